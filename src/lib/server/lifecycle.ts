import { setFlagsFromString } from 'node:v8';
import { scheduleBackups } from './backup/schedule';
import { config, ConfigError, type Config } from './config';
import { startDatabase, stopDatabase } from './db';
import { DatabaseInUseError, type DatabaseHandle } from './db/client';
import { errorFields, log } from './log';
import { scheduleRetention } from './retention/schedule';
import { startAutoClose, stopAutoClose } from './rounds/auto-close';
import { startLive, stopLive } from './rounds/live';
import { startWriters, stopWriters } from './rounds/writer';

/** Something started with the server, stopped (in reverse order) before the database closes. */
type Stop = () => void | Promise<void>;

/** Hard limit from the foundation issue: a signalled server is gone within 10 seconds. */
const EXIT_DEADLINE_MS = 9_500;

/**
 * Start-up for the production server: configuration, database and migrations, the daily
 * retention job, shutdown. A bad configuration or an embedded database folder in use by
 * another process ends the process with one line, before the server listens.
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
	limitHeapGrowth(cfg.HEAP_GROWTH_PERCENT);
	let handle: DatabaseHandle;
	try {
		handle = await startDatabase(cfg);
	} catch (error) {
		if (!(error instanceof DatabaseInUseError)) throw error;
		console.error(error.message);
		process.exit(1);
	}
	const { db, engine } = handle;
	log.info('database ready', { engine });
	const stops: Stop[] = [scheduleRetention(db, cfg), scheduleBackups(handle, cfg)];
	startWriters(db, cfg);
	stops.push(stopWriters);
	// Live counts arrive by LISTEN/NOTIFY, so a projector on one instance sees answers sent
	// through another.
	await startLive(handle);
	stops.push(stopLive);
	startAutoClose(db);
	stops.push(stopAutoClose);
	registerShutdown(stops);
}

/**
 * V8 lets the old generation grow to about four times what is live before a full collection,
 * on any machine with memory to spare. Under load the server keeps 30 MB live but promotes the
 * garbage of requests waiting for their batch, so it grew to 250 MB. At 100 % it stays under
 * 180 MB for a few more, short, collections. The flag is read at every collection, so setting
 * it at start-up works; `node --heap-growing-percent` is refused in NODE_OPTIONS.
 */
function limitHeapGrowth(percent: number) {
	if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

function registerShutdown(stops: Stop[]) {
	// server.js (like adapter-node's own server) stops accepting and drains in-flight requests
	// on SIGTERM/SIGINT, then emits `sveltekit:shutdown`; an open PGlite would otherwise keep
	// the process alive.
	process.once('sveltekit:shutdown', async (reason: string) => {
		log.info('shutting down', { reason });
		try {
			for (const stop of stops.reverse()) await stop();
			await stopDatabase();
		} catch (error) {
			log.error('shutdown failed', errorFields(error));
		}
	});
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		process.once(signal, () => {
			// Open projector streams count as in-flight requests: end them so the drain is quick.
			void stopLive();
			setTimeout(() => {
				log.error('shutdown deadline passed, exiting');
				process.exit(1);
			}, EXIT_DEADLINE_MS).unref();
		});
	}
}
