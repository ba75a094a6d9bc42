import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server';

/**
 * A throwaway PostgreSQL cluster of the test's own, on a free loopback port, that the test may
 * stop and start at will: the shared server (TEST_DATABASE_URL) serves other test files running
 * in parallel, and other people, so a fault test must never restart that one.
 */
export interface PgCluster {
	/** Admin URL (user postgres, trust auth, database postgres), for `createPostgresDatabase`. */
	url: string;
	/** The server's log file (what `log_statement` writes to). */
	logFile: string;
	/** A fast shutdown: sessions are ended, open transactions roll back, committed data stays. */
	stop(): Promise<void>;
	/** Starts it again (nothing when it runs). */
	start(): Promise<void>;
	/** Stops the server if it runs and removes its folder. */
	destroy(): Promise<void>;
}

const run = promisify(execFile);
const DEBIAN_BINARIES = '/usr/lib/postgresql';

/** The folder holding initdb and pg_ctl: Debian's newest version, or else one on PATH. */
function binaryFolder(): string | undefined {
	const debian = existsSync(DEBIAN_BINARIES)
		? readdirSync(DEBIAN_BINARIES)
				.sort((a, b) => Number(b) - Number(a))
				.map((version) => path.join(DEBIAN_BINARIES, version, 'bin'))
		: [];
	const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
	return [...debian, ...onPath].find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

/** initdb and postgres refuse to run as root: then they run as the `postgres` user. */
function postgresUser(): { uid: number; gid: number } | undefined {
	try {
		const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
		return { uid: id('-u'), gid: id('-g') };
	} catch {
		return undefined;
	}
}

const isRoot = process.getuid?.() === 0;

/** Why no cluster can be made here (the reason to print when skipping), or undefined. */
export function pgClusterUnavailable(): string | undefined {
	if (!binaryFolder()) return `no PostgreSQL server binaries (initdb, pg_ctl) in ${DEBIAN_BINARIES}/*/bin or on PATH: apt-get install postgresql`;
	if (isRoot && !postgresUser()) return 'running as root, but there is no postgres user to run initdb and postgres as';
	return undefined;
}

/** `settings`: more server settings, as `-c name=value` each (e.g. wal_level=logical). */
export async function startPgCluster(settings: string[] = []): Promise<PgCluster> {
	const bin = binaryFolder();
	if (!bin) throw new Error(pgClusterUnavailable());
	const owner = isRoot ? postgresUser() : undefined;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-pg-'));
	if (owner) await chown(dir, owner.uid, owner.gid);
	const dataDir = path.join(dir, 'data');
	const logFile = path.join(dir, 'server.log');
	const port = await freePort();
	const invocation = (command: string, args: string[]): [string, string[]] =>
		owner ? ['runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]] : [path.join(bin, command), args];
	const as = (command: string, args: string[]) => run(...invocation(command, args), { env: { PATH: process.env.PATH, LC_ALL: 'C' }, timeout: 60_000 });
	// Loopback only, sockets in our own folder. fsync=off only matters when the machine itself
	// crashes, which no test does: a killed or restarted server still recovers from its WAL.
	const options = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, '-c shared_buffers=16MB', '-c max_connections=60', '-c fsync=off', ...settings];
	const withLog = async (what: string, step: () => Promise<unknown>) => {
		try {
			await step();
		} catch (error) {
			const log = await readFile(logFile, 'utf8').catch(() => '');
			throw new Error(`${what} of the test's PostgreSQL cluster failed: ${String(error)}\n${log.slice(-2000)}`);
		}
	};
	let running = false;
	const pgCtl = (args: string[]) => as('pg_ctl', ['-D', dataDir, '-w', '-t', '30', ...args]);
	const start = async () => {
		if (running) return;
		await withLog('start', () => pgCtl(['-l', logFile, '-o', options.join(' '), 'start']));
		running = true;
	};
	const stop = (mode: 'fast' | 'immediate') => withLog('stop', () => pgCtl(['-m', mode, 'stop'])).then(() => void (running = false));
	// If the test process ends without destroy (an uncaught error), the server must not outlive it.
	const onExit = () => {
		if (running) execFileSync(...invocation('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
	};
	process.once('exit', onExit);
	try {
		await withLog('initdb', () => as('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']));
		await start();
	} catch (error) {
		process.off('exit', onExit);
		await stop('immediate').catch(() => {});
		await rm(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		logFile,
		stop: () => stop('fast'),
		start,
		async destroy() {
			process.off('exit', onExit);
			try {
				if (running) await stop('immediate');
			} finally {
				await rm(dir, { recursive: true, force: true });
			}
		}
	};
}
