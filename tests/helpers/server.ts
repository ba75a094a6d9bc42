import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { serverEntry, root } from '../../scripts/build-if-stale.js';

export interface RunningServer {
	url: string;
	process: ChildProcess;
	/** Everything the server wrote to stdout and stderr so far. */
	output(): string;
	/** Sends `signal` and resolves with the exit code and how long the exit took. */
	stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

/**
 * Runs the production build (`build/`, made by the global setup) as a child process on a
 * free loopback port and resolves once it listens. Rejects with its output if it exits first.
 * ORIGIN names that port unless given: SvelteKit refuses form posts from any other origin.
 */
export async function startServer(env: Record<string, string | undefined>, timeoutMs = 30_000, entry = serverEntry): Promise<RunningServer> {
	const port = env.PORT ?? String(await freePort());
	return spawnServer({ PORT: port, ORIGIN: `http://127.0.0.1:${port}`, ...env }, timeoutMs, entry);
}

/** adapter-node's own server: every request through SvelteKit, the student API included. */
export const sveltekitOnlyEntry = path.join(root, 'build', 'index.js');

function spawnServer(env: Record<string, string | undefined>, timeoutMs: number, entry: string): Promise<RunningServer> {
	const child = spawn(process.execPath, [entry], {
		cwd: root,
		env: {
			PATH: process.env.PATH,
			HOST: '127.0.0.1',
			MIGRATIONS_DIR: path.join(root, 'drizzle'),
			SHUTDOWN_TIMEOUT: '5',
			ANSWER_POOL_KEY: process.env.ANSWER_POOL_KEY,
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`server did not start within ${timeoutMs} ms:\n${output}`));
		}, timeoutMs);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const listening = /Listening on (http:\/\/[^\s]+)/.exec(output);
			if (!listening) return;
			clearTimeout(timer);
			resolve({
				url: listening[1]!.replace(/\/$/, ''),
				process: child,
				output: () => output,
				async stop(signal = 'SIGTERM') {
					const started = performance.now();
					if (child.exitCode === null) child.kill(signal);
					const code = await exited;
					return { code, ms: performance.now() - started };
				}
			});
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		void exited.then((code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with code ${code} before listening:\n${output}`));
		});
	});
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export function runUntilExit(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
	const child = spawn(process.execPath, [serverEntry], {
		cwd: root,
		env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (c: Buffer) => (output += c.toString()));
	child.stderr.on('data', (c: Buffer) => (output += c.toString()));
	const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	return new Promise((resolve) =>
		child.once('exit', (code) => {
			clearTimeout(killer);
			resolve({ code, output });
		})
	);
}
