import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../src/lib/server/auth/rate-limit';

describe('RateLimiter', () => {
	afterEach(() => vi.useRealTimers());

	it('counts attempts per key within the window and forgets them after it', () => {
		const limiter = new RateLimiter(2, 60_000);
		expect([limiter.consume('a', 0), limiter.consume('a', 1), limiter.consume('a', 2)]).toEqual([true, true, false]);
		expect(limiter.consume('b', 3)).toBe(true);
		expect(limiter.consume('a', 60_001)).toBe(true);
	});

	it('sweeps expired keys on a timer, long before 10,000 of them', () => {
		vi.useFakeTimers({ now: 0 });
		const limiter = new RateLimiter(5, 60_000);
		for (let i = 0; i < 500; i++) limiter.consume(`10.0.${i >> 8}.${i & 255}`);
		expect(limiter.size).toBe(500);
		vi.advanceTimersByTime(30_000);
		limiter.consume('late');
		vi.advanceTimersByTime(30_000);
		// The first window's keys are gone; the one from half-way is still counting.
		expect(limiter.size).toBe(1);
		vi.advanceTimersByTime(60_000);
		expect(limiter.size).toBe(0);
	});
});
