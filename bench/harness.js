// What both benchmarks need around their measurements: a database of their own on a loopback
// PostgreSQL, the production server on a free loopback port, and a clean-up that kills every
// child and drops the database once, also on failure and Ctrl-C.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { serverEntry, root } from '../scripts/build-if-stale.js';
import { serverNodeFlags } from '../scripts/server-node-flags.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * @param {string} adminUrl a server (and database to connect to) on which to create the bench database
 * @param {string} prefix of the database's name; a random suffix follows
 */
export function benchHarness(adminUrl, prefix) {
	const name = `${prefix}_${randomBytes(4).toString('hex')}`;
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	if (!LOOPBACK.includes(url.hostname)) throw new Error(`BENCH_DATABASE_URL must point at loopback, not ${url.hostname}`);

	/** @type {Set<import('node:child_process').ChildProcess>} */
	const children = new Set();
	let created = false;
	let cleaning = false;
	/** @type {Promise<void> | undefined} */
	let cleaned;

	/** @param {(sql: import('postgres').Sql) => Promise<unknown>} run */
	async function asAdmin(run) {
		const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
		try {
			await run(admin);
		} finally {
			await admin.end({ timeout: 5 });
		}
	}

	const harness = {
		name,
		url: url.href,
		children,
		/** True once clean-up began: a child exiting then is no failure. */
		get cleaning() {
			return cleaning;
		},
		async createDatabase() {
			await asAdmin((admin) => admin.unsafe(`create database "${name}"`));
			created = true;
		},
		/** Kills the children and drops the database; every caller waits for the one clean-up. */
		cleanUp() {
			cleaning = true;
			cleaned ??= (async () => {
				for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
				if (!created) return;
				await asAdmin((admin) => admin.unsafe(`drop database if exists "${name}" with (force)`)).catch((error) =>
					console.error(`Could not drop ${name}: ${error}`)
				);
			})();
			return cleaned;
		},
		/**
		 * Starts `entry` (server.js unless told otherwise) on a free loopback port on the bench
		 * database (server.js migrates it before it listens), with `env` on top: a variable set
		 * to undefined there is left out (DATABASE_URL for the embedded database). Resolves once
		 * it listens; `stop()` ends it with SIGTERM, as a service manager would, and waits for it.
		 * @param {Record<string, string | undefined>} env
		 * @param {string} entry
		 * @param {string[]} nodeArgs flags for node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses)
		 * @returns {Promise<{ url: string; pid: number; stop: () => Promise<void> }>}
		 */
		async startServer(env = {}, entry = serverEntry, nodeArgs = []) {
			const port = String(await freePort());
			const all = { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: port, ORIGIN: `http://127.0.0.1:${port}`, DATABASE_URL: url.href, MIGRATIONS_DIR: path.join(root, 'drizzle'), LOG_LEVEL: 'warn', ...env };
			const child = spawn(process.execPath, [...serverNodeFlags, ...nodeArgs, entry], {
				cwd: root,
				env: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)),
				stdio: ['ignore', 'pipe', 'pipe']
			});
			children.add(child);
			const exited = new Promise((resolve) => child.once('exit', resolve));
			const stop = async () => {
				if (child.exitCode === null && child.signalCode === null) {
					child.kill('SIGTERM');
					const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
					await exited;
					clearTimeout(killer);
				}
				children.delete(child);
			};
			let output = '';
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`server did not start within 30 s:\n${output}`)), 30_000);
				const onData = (/** @type {Buffer} */ chunk) => {
					output = (output + chunk.toString()).slice(-10_000);
					if (/Listening on /.test(output)) {
						clearTimeout(timer);
						resolve({
							url: `http://127.0.0.1:${port}`,
							pid: /** @type {number} */ (child.pid),
							stop
						});
					}
				};
				child.stdout.on('data', onData);
				child.stderr.on('data', (chunk) => {
					onData(chunk);
					process.stderr.write(`[server] ${chunk}`);
				});
				child.once('exit', (code) => {
					clearTimeout(timer);
					if (!cleaning) reject(new Error(`server exited with code ${code}:\n${output}`));
				});
			});
		}
	};
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
		process.on(signal, () => {
			console.error(`\n${signal}: stopping and dropping ${name}`);
			process.exitCode = 130;
			void harness.cleanUp().finally(() => process.exit(130));
		});
	}
	return harness;
}

/** @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (probe.address());
			probe.close(() => resolve(port));
		});
	});
}
