import type { Database } from './db/client';

export interface MemoOptions {
	/** Entries kept at most; past it the cache starts over. */
	limit?: number;
	/** How long an entry is believed; unset: for ever (facts that never change). */
	ttlMs?: number;
}

/**
 * A bounded in-process cache of database facts keyed by an id or code, for facts that either
 * never change once they exist (a round's questionnaire version, a version's questions) or
 * are only a first answer that the write path checks again (a join code's round). Either way
 * every instance may hold its own copy without two instances ever counting differently. A
 * failed or empty (null) load is not kept, so a fact that comes into existence later is found.
 */
export function memoize<V>(load: (db: Database, key: string) => Promise<V | null>, options: MemoOptions = {}) {
	const { limit = 2_000, ttlMs = Infinity } = options;
	const cache = new Map<string, { value: Promise<V | null>; until: number }>();
	return (db: Database, key: string): Promise<V | null> => {
		const now = performance.now();
		const hit = cache.get(key);
		if (hit && hit.until > now) return hit.value;
		if (cache.size >= limit) cache.clear();
		const entry = { value: load(db, key), until: now + ttlMs };
		const forget = () => {
			if (cache.get(key) === entry) cache.delete(key);
		};
		entry.value.then((value) => value === null && forget(), forget);
		cache.set(key, entry);
		return entry.value;
	};
}
