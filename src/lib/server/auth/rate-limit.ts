/** A flood of keys within one window is swept at once rather than at the window's end. */
const MAX_KEYS_BEFORE_SWEEP = 10_000;

/**
 * A fixed-window counter per key, in memory. Documented as per instance: with N instances
 * an attacker gets at most N times the limit, which still stops brute force. Expired keys are
 * swept once per window, so memory follows the traffic of one window, not of all time.
 */
export class RateLimiter {
	readonly #hits = new Map<string, { count: number; resetAt: number }>();

	constructor(
		readonly max: number,
		readonly windowMs: number
	) {
		// unref: a limiter never keeps the process (or a test run) alive.
		setInterval(() => this.#sweep(Date.now()), windowMs).unref();
	}

	/** Keys held, expired or not (for tests and monitoring). */
	get size(): number {
		return this.#hits.size;
	}

	/** Counts one attempt; false when the key has used up its attempts in this window. */
	consume(key: string, now = Date.now()): boolean {
		if (this.#hits.size >= MAX_KEYS_BEFORE_SWEEP) this.#sweep(now);
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
		for (const [key, entry] of this.#hits) if (entry.resetAt <= now) this.#hits.delete(key);
	}
}
