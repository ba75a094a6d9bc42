import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../helpers/server';

export interface App {
	url: string;
	/** Stops the server and throws its data folder away. */
	stop(): Promise<void>;
}

/** The production build on embedded PGlite in a fresh data folder. */
export async function startApp(): Promise<App> {
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-e2e-'));
	let server: RunningServer;
	try {
		server = await startServer({ DATA_DIR: dataDir });
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
