import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../helpers/server';

export interface App {
	url: string;
	/** Stops the server and throws its data folder away. */
	stop(): Promise<void>;
}

function freePort(): Promise<number> {
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
 * The production build on embedded PGlite in a fresh data folder. The port is chosen up front
 * because ORIGIN must name it: SvelteKit refuses form posts whose Origin header differs.
 */
export async function startApp(): Promise<App> {
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-e2e-'));
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	let server: RunningServer;
	try {
		server = await startServer({ DATA_DIR: dataDir, PORT: String(port), ORIGIN: origin });
	} catch (error) {
		await rm(dataDir, { recursive: true, force: true });
		throw error;
	}
	return {
		url: server.url,
		async stop() {
			await server.stop();
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}
