import { errorFields, log } from './log';

const FIRST_RUN_DELAY_MS = 60_000;
const INTERVAL_MS = 24 * 3_600_000;

/**
 * Runs `job` a minute after start-up and then every 24 hours, logging what it returns (counts,
 * never names) or that it failed. Timers are unref'd so they never keep the process alive.
 * Returns the function that stops it (on shutdown).
 */
export function scheduleDaily(name: string, job: () => Promise<Record<string, number | string | undefined>>): () => void {
	let interval: NodeJS.Timeout | undefined;
	const run = async () => {
		try {
			log.info(`${name} run`, await job());
		} catch (error) {
			log.error(`${name} run failed`, errorFields(error));
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
