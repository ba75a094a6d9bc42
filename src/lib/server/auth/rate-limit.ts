/**
 * A fixed-window counter per key, in memory. Documented as per instance: with N instances
 * an attacker gets at most N times the limit, which still stops brute force.
 */
export class RateLimiter {
	readonly #hits = new Map<string, { count: number; resetAt: number }>();

	constructor(
		readonly max: number,
		readonly windowMs: number
	) {}

	/** Counts one attempt; false when the key has used up its attempts in this window. */
	consume(key: string, now = Date.now()): boolean {
		this.#sweep(now);
		const entry = this.#hits.get(key);
		if (!entry || entry.resetAt <= now) {
			this.#hits.set(key, { count: 1, resetAt: now + this.windowMs });
			return true;
		}
		entry.count += 1;
		return entry.count <= this.max;
	}

	isBlocked(key: string, now = Date.now()): boolean {
		const entry = this.#hits.get(key);
		return Boolean(entry && entry.resetAt > now && entry.count >= this.max);
	}

	reset(key: string): void {
		this.#hits.delete(key);
	}

	#sweep(now: number) {
		if (this.#hits.size < 10_000) return;
		for (const [key, entry] of this.#hits) if (entry.resetAt <= now) this.#hits.delete(key);
	}
}
