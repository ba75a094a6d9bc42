import { EPSILON, keepProbability } from '../../randomized-response';

/**
 * De-biasing the counters of a randomized-response question (issue 15). Every answer was kept
 * with p = keepProbability(k), else replaced by one of the k - 1 others (each with q), so the
 * counted share of choice j is lambda_j = p * pi_j + q * (1 - pi_j), and
 *   pi_j = (lambda_j - q) / (p - q)
 * estimates the true share pi_j without bias. The estimate can fall below 0 or above 1 with a
 * class-sized n; what is shown is clipped to [0, 1] and renormalised to sum to 1 (said on the page).
 *
 * Interval: lambda_j is a binomial proportion, so a Wilson 95% interval for it, mapped through
 * the same straight line, is an interval for pi_j with the same coverage (the map is monotone),
 * and clipping it to [0, 1] loses no coverage because pi_j lies in [0, 1]. Wilson rather than
 * the normal approximation because n is small (20-30): the normal one undercovers there.
 * The interval is wide at that n, by design of the privacy: the page says so.
 */

const Z95 = 1.959964;

export interface ChoiceEstimate {
	/** Unbiased, unclipped estimate of the true share (may be < 0 or > 1). */
	unbiased: number;
	/** Clipped to [0, 1] and renormalised over the question's choices: what is shown. */
	share: number;
	/** 95% interval for the true share, within [0, 1]. */
	low: number;
	high: number;
}

/** Wilson score interval for a binomial proportion of `count` in `n`. */
export function wilson(count: number, n: number, z = Z95): [number, number] {
	if (n === 0) return [0, 1];
	const phat = count / n;
	const z2 = z * z;
	const centre = (phat + z2 / (2 * n)) / (1 + z2 / n);
	const half = (z / (1 + z2 / n)) * Math.sqrt((phat * (1 - phat)) / n + z2 / (4 * n * n));
	return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const clip = (x: number) => Math.min(1, Math.max(0, x));

/** Per choice, in the order given: the counted (noisy) numbers of one question. */
export function estimateShares(counts: number[]): ChoiceEstimate[] {
	const k = counts.length;
	const n = counts.reduce((sum, c) => sum + c, 0);
	const p = keepProbability(k);
	const q = (1 - p) / (k - 1);
	const debias = (lambda: number) => (lambda - q) / (p - q);
	const unbiased = counts.map((c) => (n === 0 ? 1 / k : debias(c / n)));
	const clipped = unbiased.map(clip);
	const total = clipped.reduce((sum, x) => sum + x, 0);
	return counts.map((c, j) => {
		const [lo, hi] = wilson(c, n);
		return { unbiased: unbiased[j]!, share: total > 0 ? clipped[j]! / total : 1 / k, low: clip(debias(lo)), high: clip(debias(hi)) };
	});
}

/**
 * The mean of a numeric scale from the unclipped de-biased shares: linear in them, so itself
 * unbiased. The mean of the clipped, renormalised shares the chart shows would agree with the
 * chart but lean towards the middle of the scale (by about 0.3 on a 5-step scale at n = 25 in
 * our simulations), so we show this one and the page says it can differ from the chart. The 95%
 * interval comes from its variance: the variance of the counted values over n (p - q)^2.
 * What is shown (`mean`, `low`, `high`) is held inside the scale's range.
 */
export function estimateMean(values: number[], counts: number[]): { unbiased: number; mean: number; low: number; high: number } | null {
	const n = counts.reduce((sum, c) => sum + c, 0);
	if (n === 0) return null;
	const k = counts.length;
	const p = keepProbability(k);
	const q = (1 - p) / (k - 1);
	const [min, max] = [Math.min(...values), Math.max(...values)];
	const inRange = (x: number) => Math.min(max, Math.max(min, x));
	const mean = estimateShares(counts).reduce((sum, e, j) => sum + e.unbiased * values[j]!, 0);
	const counted = values.reduce((sum, v, j) => sum + (v * counts[j]!) / n, 0);
	const spread = values.reduce((sum, v, j) => sum + ((v - counted) ** 2 * counts[j]!) / n, 0);
	const half = Z95 * Math.sqrt(spread / (n * (p - q) ** 2));
	return { unbiased: mean, mean: inRange(mean), low: inRange(mean - half), high: inRange(mean + half) };
}

/** What a report shows of a randomized question besides its counted (noisy) counters. */
export interface RandomizedResult {
	/** ln 3, 2 decimals. */
	epsilon: number;
	/** How often an answer was kept as given, percent, 1 decimal. */
	keptPercent: number;
	/** Per choice, in the distribution's order: the estimate and its 95% interval, percent, 1 decimal. */
	estimates: Array<{ choice: string; label: string; share: number; low: number; high: number }>;
	/** Numeric scales: the estimated mean and its 95% interval, 1 decimal; else null. */
	mean: { mean: number; low: number; high: number } | null;
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

export function randomizedResult(distribution: Array<{ choice: string; label: string; n: number }>, numeric: boolean): RandomizedResult {
	const counts = distribution.map((d) => d.n);
	const estimates = estimateShares(counts);
	const mean = numeric ? estimateMean(distribution.map((d) => Number(d.choice)), counts) : null;
	return {
		epsilon: Math.round(EPSILON * 100) / 100,
		keptPercent: oneDecimal(100 * keepProbability(counts.length)),
		estimates: distribution.map((d, j) => ({
			choice: d.choice,
			label: d.label,
			share: oneDecimal(100 * estimates[j]!.share),
			low: oneDecimal(100 * estimates[j]!.low),
			high: oneDecimal(100 * estimates[j]!.high)
		})),
		mean: mean && { mean: oneDecimal(mean.mean), low: oneDecimal(mean.low), high: oneDecimal(mean.high) }
	};
}
