import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort } from './server';
import { untilListening } from './wait-for-port';

/**
 * Debian's Caddy as the TLS reverse proxy, on a free loopback port with a certificate from its
 * own local CA (`tls internal`). Its state (CA, certificates) lives in a folder of its own that is
 * removed on stop, and its CA is never installed in the system's trust store: `fetch` trusts it
 * for this test only.
 */
export interface RunningCaddy {
	/** `https://localhost:PORT` */
	url: string;
	/** A fetch that trusts Caddy's local CA (and nothing else is changed). */
	fetch: typeof fetch;
	stop(): Promise<void>;
}

const CADDY = process.env.CADDY_PATH ?? '/usr/bin/caddy';

export function caddyUnavailable(): string | undefined {
	return existsSync(CADDY) ? undefined : `no caddy at ${CADDY} (apt-get install -y caddy, or set CADDY_PATH)`;
}

/** Starts Caddy with `site(url)` as the body of the site block for `url`. */
export async function startCaddy(site: (url: string) => string): Promise<RunningCaddy> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-caddy-'));
	const port = await freePort();
	const url = `https://localhost:${port}`;
	const caddyfile = path.join(dir, 'Caddyfile');
	await writeFile(
		caddyfile,
		`{
	admin off
	skip_install_trust
	auto_https disable_redirects
	https_port ${port}
	storage file_system ${path.join(dir, 'data')}
}

${url} {
	tls internal
	${site(url)}
}
`
	);
	const child = spawn(CADDY, ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
		env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
		stdio: ['ignore', 'ignore', 'pipe']
	});
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
		await untilListening(port, child, 15_000);
		const rootCa = path.join(dir, 'data', 'pki', 'authorities', 'local', 'root.crt');
		const agent = new Agent({ connect: { ca: await readFile(rootCa, 'utf8') } });
		const trusting = ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
		return { url, fetch: trusting, stop };
	} catch (error) {
		await stop();
		throw new Error(`caddy did not start: ${String(error)}\n${stderr}`);
	}
}
