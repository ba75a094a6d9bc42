import type { Database } from '../db/client';
import { errorFields, log } from '../log';
import { runRetention, type RetentionSettings } from './index';

const FIRST_RUN_DELAY_MS = 60_000;
const INTERVAL_MS = 24 * 3_600_000;

/**
 * Runs the retention job a minute after start-up and then every 24 hours. With several
 * instances each runs its own schedule; that is harmless because every delete is idempotent
 * (a second run finds nothing left). Timers are unref'd so they never keep the process alive.
 * Returns the function that stops it (on shutdown).
 */
export function scheduleRetention(db: Database, cfg: RetentionSettings): () => void {
	let interval: NodeJS.Timeout | undefined;
	const run = async () => {
		try {
			// Counts only: nothing about who was deleted reaches the log.
			log.info('retention run', { ...(await runRetention(db, cfg)) });
		} catch (error) {
			log.error('retention run failed', errorFields(error));
		}
	};
	const first = setTimeout(() => {
		void run();
		interval = setInterval(() => void run(), INTERVAL_MS);
		interval.unref();
	}, FIRST_RUN_DELAY_MS);
	first.unref();
	return () => {
		clearTimeout(first);
		clearInterval(interval);
	};
}
