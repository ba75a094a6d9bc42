import { config, ConfigError, type Config } from './config';
import { startDatabase, stopDatabase } from './db';
import { log } from './log';

/** Hard limit from the foundation issue: a signalled server is gone within 10 seconds. */
const EXIT_DEADLINE_MS = 9_500;

/**
 * Start-up for the production server: configuration, database and migrations, shutdown.
 * A bad configuration ends the process with one line, before the server listens.
 */
export async function startServer(): Promise<void> {
	let cfg: Config;
	try {
		cfg = config();
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		console.error(error.message);
		process.exit(1);
	}
	const { engine } = await startDatabase(cfg);
	log.info('database ready', { engine });
	registerShutdown();
}

function registerShutdown() {
	// adapter-node stops accepting and drains in-flight requests on SIGTERM/SIGINT, then
	// emits `sveltekit:shutdown`; an open PGlite would otherwise keep the process alive.
	process.once('sveltekit:shutdown', async (reason: string) => {
		log.info('shutting down', { reason });
		try {
			await stopDatabase();
		} catch (error) {
			log.error('database close failed', { error: String(error) });
		}
	});
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		process.once(signal, () => {
			setTimeout(() => {
				log.error('shutdown deadline passed, exiting');
				process.exit(1);
			}, EXIT_DEADLINE_MS).unref();
		});
	}
}
