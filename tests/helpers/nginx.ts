import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './server';
import { untilListening } from './wait-for-port';

/**
 * Debian's nginx as a reverse proxy on a free loopback port, with everything it writes (pid,
 * logs, temp files) in a folder of its own that is removed on stop. It runs in the foreground
 * as our child, so stopping, or the test process ending, takes it down.
 */
export interface RunningNginx {
	url: string;
	/** The access log so far (the format is the caller's). */
	accessLog(): Promise<string>;
	stop(): Promise<void>;
}

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

/** Why nginx cannot run here (the reason to print when skipping), or undefined. */
export function nginxUnavailable(): string | undefined {
	return existsSync(NGINX) ? undefined : `no nginx at ${NGINX} (apt-get install -y nginx, or set NGINX_PATH)`;
}

/**
 * Starts nginx with `http` as the body of its http block, given the port to listen on and the
 * name of the access log file. Resolves once the port accepts connections.
 */
export async function startNginx(http: (port: number, accessLog: string) => string): Promise<RunningNginx> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-nginx-'));
	const port = await freePort();
	const accessLog = path.join(dir, 'access.log');
	const errorLog = path.join(dir, 'error.log');
	const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${path.join(dir, kind)};`);
	const conf = [
		'daemon off;',
		// Workers run as the master's user, so they can use the folder (root's mkdtemp is 0700).
		...(process.getuid?.() === 0 ? ['user root;'] : []),
		'worker_processes 1;',
		`pid ${path.join(dir, 'nginx.pid')};`,
		`error_log ${errorLog} warn;`,
		'events { worker_connections 256; }',
		`http { ${temp.join(' ')}\n${http(port, accessLog)}\n}`
	].join('\n');
	const confFile = path.join(dir, 'nginx.conf');
	await writeFile(confFile, conf);
	const child = spawn(NGINX, ['-p', dir, '-c', confFile, '-e', errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const onExit = () => child.kill('SIGKILL');
	process.once('exit', onExit);
	const stop = async () => {
		process.off('exit', onExit);
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		await exited;
		await rm(dir, { recursive: true, force: true });
	};
	try {
		await untilListening(port, child, 10_000);
	} catch (error) {
		const log = await readFile(errorLog, 'utf8').catch(() => '');
		await stop();
		throw new Error(`nginx did not start: ${String(error)}\n${stderr}${log}`);
	}
	return {
		url: `http://127.0.0.1:${port}`,
		accessLog: () => readFile(accessLog, 'utf8').catch(() => ''),
		stop
	};
}
