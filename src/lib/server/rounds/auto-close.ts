import type { Database } from '../db/client';
import { errorFields, log } from '../log';
import * as rounds from './rounds';

const INTERVAL_MS = 15_000;

/**
 * Closes rounds whose auto-close time has passed, every 15 seconds. Students are refused as
 * soon as `closes_at` passes (the batch writer checks it); the sweep makes the close final:
 * it sets `closed_at` and deletes the round's ballots and TANs (S3). Every instance may run
 * it: `close` is idempotent. The timer is unref'd so it never keeps the process alive.
 */
let timer: NodeJS.Timeout | undefined;

export function startAutoClose(db: Database): void {
	if (timer) return;
	let running = false;
	timer = setInterval(async () => {
		// A slow sweep is not stacked on top of itself.
		if (running) return;
		running = true;
		try {
			const closed = await rounds.closeDue(db);
			if (closed.length > 0) log.info('rounds auto-closed', { count: closed.length });
		} catch (error) {
			log.error('auto-close failed', errorFields(error));
		} finally {
			running = false;
		}
	}, INTERVAL_MS);
	timer.unref();
}

export function stopAutoClose(): void {
	clearInterval(timer);
	timer = undefined;
}
