import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../src/lib/server/rounds/coalescer';

/** An `apply` that records its batches and can be held open or made to fail. */
function recorder() {
	const batches: number[][] = [];
	let running = 0;
	let mostAtOnce = 0;
	let failNext = false;
	const gates: Array<() => void> = [];
	return {
		batches,
		mostAtOnce: () => mostAtOnce,
		failNext: () => (failNext = true),
		release: () => gates.splice(0).forEach((open) => open()),
		held: () => gates.length,
		async apply(batch: number[]) {
			batches.push(batch);
			running += 1;
			mostAtOnce = Math.max(mostAtOnce, running);
			try {
				await new Promise<void>((open) => gates.push(open));
				if (failNext) {
					failNext = false;
					throw new Error('batch failed');
				}
				return batch.map((n) => n * 10);
			} finally {
				running -= 1;
			}
		}
	};
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('coalescer', () => {
	it('applies the items of one window together and answers each with its own result', async () => {
		const r = recorder();
		const coalescer = createCoalescer(r.apply, { windowMs: 10, maxBatch: 100, concurrency: 1 });
		const results = [1, 2, 3].map((n) => coalescer.add(n));
		await tick();
		r.release();
		expect(await Promise.all(results)).toEqual([10, 20, 30]);
		expect(r.batches).toEqual([[1, 2, 3]]);
	});

	it('splits at the largest batch, keeps arrival order, and never runs more batches than allowed', async () => {
		const r = recorder();
		const coalescer = createCoalescer(r.apply, { windowMs: 5, maxBatch: 2, concurrency: 2 });
		const results = [1, 2, 3, 4, 5].map((n) => coalescer.add(n));
		while (r.batches.length < 3) {
			await tick(5);
			r.release();
		}
		r.release();
		expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
		expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
		expect(r.mostAtOnce()).toBeLessThanOrEqual(2);
	});

	it('fails every item of a failed batch, and the next batch goes on', async () => {
		const r = recorder();
		const coalescer = createCoalescer(r.apply, { windowMs: 5, maxBatch: 2, concurrency: 1 });
		r.failNext();
		const first = [1, 2].map((n) => coalescer.add(n));
		const second = coalescer.add(3);
		await tick();
		r.release();
		await expect(Promise.all(first.map((p) => p.catch((e: Error) => e.message)))).resolves.toEqual(['batch failed', 'batch failed']);
		await tick();
		r.release();
		expect(await second).toBe(30);
	});

	it('close applies what is pending, then refuses new items', async () => {
		const r = recorder();
		const coalescer = createCoalescer(r.apply, { windowMs: 1_000, maxBatch: 100, concurrency: 1 });
		const pending = coalescer.add(7);
		const closed = coalescer.close();
		await tick();
		expect(r.held()).toBe(1); // written at once, not after the window
		r.release();
		await closed;
		expect(await pending).toBe(70);
		await expect(coalescer.add(8)).rejects.toThrow();
	});
});
