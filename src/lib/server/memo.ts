import type { Database } from './db/client';

/**
 * A bounded in-process cache of facts that never change once they exist (a round's
 * questionnaire version, a version's questions), keyed by a random UUID: every instance may
 * hold its own copy without ever disagreeing with another. A failed or empty (null) load is
 * not kept, so a fact that comes into existence later is found then.
 */
export function memoize<V>(
	load: (db: Database, id: string) => Promise<V | null>,
	limit = 2_000
): (db: Database, id: string) => Promise<V | null> {
	const cache = new Map<string, Promise<V | null>>();
	return (db, id) => {
		let entry = cache.get(id);
		if (!entry) {
			if (cache.size >= limit) cache.clear();
			const forget = () => {
				if (cache.get(id) === entry) cache.delete(id);
			};
			entry = load(db, id).then(
				(value) => {
					if (value === null) forget();
					return value;
				},
				(error: unknown) => {
					forget();
					throw error;
				}
			);
			cache.set(id, entry);
		}
		return entry;
	};
}
