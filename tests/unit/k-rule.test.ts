import { describe, expect, it } from 'vitest';
import { isShown, mayFollow, suppressTotals } from '../../src/lib/server/reporting/k-rule';

const part = (name: string, n: number) => ({ name, n });
const names = (parts: Array<{ name: string }>) => parts.map((p) => p.name);

describe('the k rule (PRIVACY.md S4)', () => {
	it('S4: an aggregate of fewer than k submissions is not shown, k or more is', () => {
		expect(isShown(0, 5)).toBe(false);
		expect(isShown(4, 5)).toBe(false);
		expect(isShown(5, 5)).toBe(true);
		expect(isShown(6, 5)).toBe(true);
		expect(isShown(9, 10)).toBe(false);
		expect(isShown(10, 10)).toBe(true);
	});

	it('S4: a total whose parts are all at least k shows everything', () => {
		const result = suppressTotals({ n: 30 }, [part('a', 10), part('b', 12), part('c', 8)], 5);
		expect(result.total).toEqual({ n: 30 });
		expect(names(result.parts)).toEqual(['a', 'b', 'c']);
	});

	it('S4: a part below k is suppressed, and the total is kept when the rest is at least k', () => {
		// a (3) and b (4) are suppressed; together they are 7 >= 5, so neither can be recovered.
		const result = suppressTotals({ n: 27 }, [part('a', 3), part('b', 4), part('c', 20)], 5);
		expect(result.total).toEqual({ n: 27 });
		expect(names(result.parts)).toEqual(['c']);
	});

	it('S4: exactly one part below k makes a second part suppressed (the smallest shown one)', () => {
		const result = suppressTotals({ n: 33 }, [part('a', 3), part('b', 12), part('c', 8), part('d', 10)], 5);
		expect(result.total).toEqual({ n: 33 });
		// 33 - (12 + 8 + 10) = 3 would reveal a; dropping c (8, the smallest) leaves a rest of 11.
		expect(names(result.parts)).toEqual(['b', 'd']);
	});

	it('S4: the total itself goes when there is no shown part left to suppress', () => {
		// A total below k is never shown, whatever its parts.
		expect(suppressTotals({ n: 4 }, [part('a', 2), part('b', 2)], 5)).toEqual({ total: null, parts: [] });
		expect(suppressTotals({ n: 3 }, [], 5)).toEqual({ total: null, parts: [] });
	});

	it('S4: a rest that is no listed part (submissions outside every part) is protected too', () => {
		const result = suppressTotals({ n: 22 }, [part('a', 10), part('b', 10)], 5);
		expect(result.total).toEqual({ n: 22 });
		expect(names(result.parts)).toEqual(['b']);
	});

	it('S4: ties among the smallest shown parts suppress only one of them', () => {
		const result = suppressTotals({ n: 21 }, [part('a', 1), part('b', 10), part('c', 10)], 5);
		expect(names(result.parts)).toEqual(['c']);
		expect(result.total).toEqual({ n: 21 });
	});

	it('S4: an empty total with no parts shows nothing', () => {
		expect(suppressTotals({ n: 0 }, [], 5)).toEqual({ total: null, parts: [] });
	});

	it('S4: a school raising k suppresses more', () => {
		const parts = [part('a', 6), part('b', 9), part('c', 15)];
		expect(names(suppressTotals({ n: 30 }, parts, 5).parts)).toEqual(['a', 'b', 'c']);
		const strict = suppressTotals({ n: 30 }, parts, 8);
		// a (6) goes below k = 8; b (9) is the smallest shown part and goes to protect it.
		expect(names(strict.parts)).toEqual(['c']);
		expect(strict.total).toEqual({ n: 30 });
	});

	it('S4: returns the parts it was given, not copies (callers attach their own fields)', () => {
		const big = part('big', 50);
		expect(suppressTotals({ n: 50 }, [big], 5).parts[0]).toBe(big);
	});

	it('S4: property: for every shown total, n minus its shown parts is 0 or >= k, and nothing below k is shown', () => {
		// A small deterministic generator (mulberry32) so a failure can be replayed.
		let seed = 20240917;
		const random = () => {
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
		const int = (max: number) => Math.floor(random() * (max + 1));
		for (let run = 0; run < 5_000; run++) {
			const k = 5 + int(5);
			// Group sizes clustered around k, where suppression decisions are hardest.
			const parts = Array.from({ length: int(8) }, (_, i) => part(`g${i}`, random() < 0.5 ? int(2 * k) : int(40)));
			const outside = random() < 0.3 ? int(2 * k) : 0;
			const total = { n: parts.reduce((sum, p) => sum + p.n, 0) + outside };
			const result = suppressTotals(total, parts, k);
			const label = JSON.stringify({ k, total, parts: parts.map((p) => p.n), result });
			for (const shown of result.parts) {
				expect(shown.n, label).toBeGreaterThanOrEqual(k);
				expect(parts, label).toContain(shown);
			}
			if (result.total) {
				expect(result.total.n, label).toBeGreaterThanOrEqual(k);
				const rest = result.total.n - result.parts.reduce((sum, p) => sum + p.n, 0);
				expect(rest === 0 || rest >= k, label).toBe(true);
			}
			// Never suppress more than one extra part per pass: parts at or above k that went
			// missing must have been needed (at most one, since a part >= k lifts the rest above k).
			const droppedBig = parts.filter((p) => isShown(p.n, k) && !result.parts.includes(p));
			expect(droppedBig.length, label).toBeLessThanOrEqual(1);
		}
	});

	it('S4 across time: a later view of an aggregate may follow a shown earlier one only with no new submission or at least k', () => {
		expect(mayFollow(10, 10, 5)).toBe(true);
		expect(mayFollow(10, 15, 5)).toBe(true);
		expect(mayFollow(10, 11, 5)).toBe(false);
		expect(mayFollow(10, 14, 5)).toBe(false);
		// An earlier view below k showed nothing, so nothing can be subtracted from the later one.
		expect(mayFollow(4, 6, 5)).toBe(true);
		expect(mayFollow(0, 1, 5)).toBe(true);
		expect(mayFollow(7, 13, 7)).toBe(false);
		expect(mayFollow(7, 14, 7)).toBe(true);
	});
});
