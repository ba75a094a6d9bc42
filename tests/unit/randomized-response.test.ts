import { describe, expect, it } from 'vitest';
import { EPSILON, keepProbability, ODDS, randomizeChoice } from '../../src/lib/randomized-response';
import { estimateMean, estimateShares, wilson } from '../../src/lib/server/reporting/randomized-response';
import { randomizeIncrements } from '../../src/lib/server/rounds/randomize';

/*
 * Randomized response (issue 15, local differential privacy): the flip keeps a student's answer
 * private, and the estimator still recovers the class's distribution from the noisy counters.
 * Simulated rounds use a seeded generator, so every run draws the same numbers.
 */

function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** One simulated round: n students drawn from `truth`, each answer randomized, then counted. */
function simulateRound(truth: number[], n: number, random: () => number): number[] {
	const choices = truth.map((_, j) => j);
	const counts = truth.map(() => 0);
	for (let i = 0; i < n; i++) {
		let u = random();
		let answer = 0;
		while (answer < truth.length - 1 && u >= truth[answer]!) u -= truth[answer++]!;
		counts[randomizeChoice(answer, choices, random)]!++;
	}
	return counts;
}

describe('randomized response: the flip that keeps an answer private', () => {
	it('uses epsilon = ln 3: an answer sent is at most 3 times as likely under one true answer as under another', () => {
		expect(EPSILON).toBeCloseTo(Math.log(3), 12);
		for (const k of [2, 3, 5, 11]) {
			const p = keepProbability(k);
			const q = (1 - p) / (k - 1);
			expect(p / q).toBeCloseTo(ODDS, 12);
		}
		expect(keepProbability(5)).toBeCloseTo(3 / 7, 12);
	});

	it('keeps the true answer with p = e^eps/(e^eps+k-1) and spreads the rest evenly over the other answers', () => {
		const random = seeded(1);
		const choices = ['1', '2', '3', '4', '5'];
		const seen = new Map(choices.map((c) => [c, 0]));
		const trials = 70_000;
		for (let i = 0; i < trials; i++) {
			const sent = randomizeChoice('2', choices, random);
			seen.set(sent, seen.get(sent)! + 1);
		}
		// Standard error of a share here is at most 0.002; 0.01 is five of them.
		expect(seen.get('2')! / trials).toBeCloseTo(3 / 7, 1);
		expect(Math.abs(seen.get('2')! / trials - 3 / 7)).toBeLessThan(0.01);
		for (const other of ['1', '3', '4', '5']) expect(Math.abs(seen.get(other)! / trials - 1 / 7)).toBeLessThan(0.01);
	});

	it('on receipt without JavaScript, randomizes only the randomized questions, with the same probabilities', () => {
		const random = seeded(2);
		const questions = [
			{ id: 'safe', type: 'agree5' as const, options: null, randomized: true },
			{ id: 'pick', type: 'single_choice' as const, options: [{ nl: 'a', en: 'a' }, { nl: 'b', en: 'b' }], randomized: true },
			{ id: 'plain', type: 'agree5' as const, options: null, randomized: false }
		];
		let keptSafe = 0;
		let keptPick = 0;
		const trials = 40_000;
		for (let i = 0; i < trials; i++) {
			const sent = randomizeIncrements(questions, [
				{ questionId: 'safe', choice: '5' },
				{ questionId: 'pick', choice: '1' },
				{ questionId: 'plain', choice: '3' }
			], random);
			expect(sent.map((s) => s.questionId)).toEqual(['safe', 'pick', 'plain']);
			expect(['1', '2', '3', '4', '5']).toContain(sent[0]!.choice);
			expect(['0', '1']).toContain(sent[1]!.choice);
			expect(sent[2]!.choice).toBe('3');
			if (sent[0]!.choice === '5') keptSafe++;
			if (sent[1]!.choice === '1') keptPick++;
		}
		expect(Math.abs(keptSafe / trials - 3 / 7)).toBeLessThan(0.01);
		expect(Math.abs(keptPick / trials - 3 / 4)).toBeLessThan(0.01);
	});
});

describe('randomized response: the estimator on simulated rounds', () => {
	const cases = [
		{ name: 'agree scale, a mixed class', truth: [0.05, 0.1, 0.2, 0.4, 0.25], n: 25 },
		{ name: 'smiley 3, most feel safe', truth: [0.1, 0.2, 0.7], n: 20 },
		{ name: 'yes/no single choice', truth: [0.85, 0.15], n: 30 },
		{ name: 'rating 0-10', truth: [0, 0, 0, 0.05, 0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0], n: 30 }
	];
	const rounds = 4000;

	for (const { name, truth, n } of cases) {
		it(`${name} (n = ${n}): the de-biased share has mean bias near zero and its 95% interval covers the truth about 95% of the time`, () => {
			const random = seeded(truth.length * 1000 + n);
			const sums = truth.map(() => 0);
			const covered = truth.map(() => 0);
			for (let r = 0; r < rounds; r++) {
				const estimates = estimateShares(simulateRound(truth, n, random));
				estimates.forEach((e, j) => {
					sums[j]! += e.unbiased;
					if (e.low <= truth[j]! && truth[j]! <= e.high) covered[j]!++;
					expect(e.share).toBeGreaterThanOrEqual(0);
					expect(e.low).toBeLessThanOrEqual(e.high);
				});
				expect(estimates.reduce((sum, e) => sum + e.share, 0)).toBeCloseTo(1, 9);
			}
			truth.forEach((t, j) => {
				// One estimate's standard deviation is at most about 1 here; over 4000 rounds the
				// mean's is at most 0.016, so 0.05 is over three of them.
				expect(Math.abs(sums[j]! / rounds - t)).toBeLessThan(0.05);
				expect(covered[j]! / rounds).toBeGreaterThan(0.9);
			});
			const coverage = covered.reduce((sum, c) => sum + c, 0) / (rounds * truth.length);
			expect(coverage).toBeGreaterThan(0.93);
			expect(coverage).toBeLessThan(0.99);
		});
	}

	it('the scale mean from the de-biased distribution is unbiased before it is held inside the scale, and its interval covers about 95%', () => {
		const truth = [0.05, 0.1, 0.2, 0.4, 0.25];
		const values = [1, 2, 3, 4, 5];
		const trueMean = truth.reduce((sum, t, j) => sum + t * values[j]!, 0);
		const random = seeded(7);
		let sum = 0;
		let covered = 0;
		for (let r = 0; r < rounds; r++) {
			const estimate = estimateMean(values, simulateRound(truth, 25, random))!;
			sum += estimate.unbiased;
			if (estimate.low <= trueMean && trueMean <= estimate.high) covered++;
		}
		expect(Math.abs(sum / rounds - trueMean)).toBeLessThan(0.05);
		expect(covered / rounds).toBeGreaterThan(0.92);
		expect(covered / rounds).toBeLessThan(0.99);
	});

	it('the interval is honest about a class: wide on a 5-step scale with n = 25', () => {
		const [mid] = estimateShares([5, 5, 5, 5, 5]);
		expect(mid!.high - mid!.low).toBeGreaterThan(0.4);
		expect(wilson(0, 0)).toEqual([0, 1]);
		const [lo, hi] = wilson(10, 20);
		expect(lo).toBeCloseTo(0.2993, 3);
		expect(hi).toBeCloseTo(0.7007, 3);
	});
});
