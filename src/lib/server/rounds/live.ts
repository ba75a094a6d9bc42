import type { DatabaseHandle } from '../db/client';
import { errorFields, log } from '../log';
import { TALLY_CHANNEL } from './batch-writer';

/**
 * Live answered-counts for projector screens. The batch writer NOTIFYs `round_tally` inside
 * each committed batch; one LISTEN per server instance fans the counts out to the SSE streams
 * watching those rounds, so a count written by any instance reaches every projector. The bus
 * holds no timer; its only resource is the LISTEN, which `stopLive` ends.
 */

export interface LiveWatcher {
	/** A round's new answered count (counts only grow). */
	count(n: number): void;
	/** The bus is stopping (shutdown): end the stream so it does not hold up the drain. */
	end(): void;
}

const watchers = new Map<string, Set<LiveWatcher>>();
let unlisten: (() => Promise<void>) | undefined;
let stopping: Promise<void> | undefined;

/** Delivers one NOTIFY payload (`{"<roundId>": n, ...}`) to the watchers of those rounds. */
export function deliver(payload: string): void {
	let counts: unknown;
	try {
		counts = JSON.parse(payload);
	} catch {
		return;
	}
	if (!counts || typeof counts !== 'object') return;
	for (const [roundId, n] of Object.entries(counts)) {
		if (typeof n !== 'number') continue;
		for (const watcher of watchers.get(roundId) ?? []) watcher.count(n);
	}
}

/** Starts listening (once per process). */
export async function startLive(handle: Pick<DatabaseHandle, 'listen'>): Promise<void> {
	if (unlisten) return;
	stopping = undefined;
	unlisten = await handle.listen(TALLY_CHANNEL, deliver);
}

/**
 * Ends every watching stream and stops listening. Call before the database closes. The signal
 * handler calls it first (to end open streams) and the shutdown again: both wait for the one
 * UNLISTEN, so the database is not closed under it.
 */
export function stopLive(): Promise<void> {
	stopping ??= (async () => {
		const listening = unlisten;
		unlisten = undefined;
		const all = [...watchers.values()].flatMap((set) => [...set]);
		watchers.clear();
		for (const watcher of all) watcher.end();
		try {
			await listening?.();
		} catch (error) {
			log.warn('live counts: unlisten failed', errorFields(error));
		}
	})();
	return stopping;
}

export function isLive(): boolean {
	return unlisten !== undefined;
}

/** Watches a round's count; returns the function that stops watching. */
export function watch(roundId: string, watcher: LiveWatcher): () => void {
	let set = watchers.get(roundId);
	if (!set) watchers.set(roundId, (set = new Set()));
	set.add(watcher);
	return () => {
		set.delete(watcher);
		if (set.size === 0 && watchers.get(roundId) === set) watchers.delete(roundId);
	};
}
