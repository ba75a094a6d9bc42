import { describe, expect, it } from 'vitest';
import { laneOf } from '../../src/lib/server/rounds/batch-writer';

describe('batch writer lanes', () => {
	it('spreads rounds over every lane, also when their ids are not random', () => {
		const sequential = Array.from({ length: 100 }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
		const random = Array.from({ length: 100 }, () => crypto.randomUUID());
		for (const ids of [sequential, random]) {
			const perLane = [0, 0, 0, 0];
			for (const id of ids) perLane[laneOf(id, 4)]! += 1;
			// 25 each on average; none empty and none with more than twice its share.
			expect(Math.min(...perLane)).toBeGreaterThan(0);
			expect(Math.max(...perLane)).toBeLessThanOrEqual(50);
		}
	});
});
