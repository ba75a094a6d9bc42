import { describe, expect, it } from 'vitest';
import { randomBytesFromPool } from '../../src/lib/server/crypto/random-pool';

describe('random bytes from the pool', () => {
	it('never hands out the same bytes twice, across refills, and never changes bytes already handed out', () => {
		const seen = new Set<string>();
		const kept: Array<[Buffer, string]> = [];
		for (let i = 0; i < 2000; i += 1) {
			const bytes = randomBytesFromPool(i % 2 ? 16 : 12);
			expect(bytes.length).toBe(i % 2 ? 16 : 12);
			const hex = bytes.toString('hex');
			expect(seen.has(hex)).toBe(false);
			seen.add(hex);
			if (i % 100 === 0) kept.push([bytes, hex]);
		}
		for (const [bytes, hex] of kept) expect(bytes.toString('hex')).toBe(hex);
	});

	it('looks uniform: every byte value turns up, none far more often than chance', () => {
		const counts = new Array<number>(256).fill(0);
		for (let i = 0; i < 4096; i += 1) for (const byte of randomBytesFromPool(16)) counts[byte]! += 1;
		// 65,536 bytes: 256 expected per value, sd 16; 6 sd either way would be a broken source.
		expect(Math.min(...counts)).toBeGreaterThan(256 - 96);
		expect(Math.max(...counts)).toBeLessThan(256 + 96);
	});

	it('refuses more than one fill at a time', () => {
		expect(() => randomBytesFromPool(5000)).toThrow(RangeError);
	});
});
