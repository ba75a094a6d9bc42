import type { QuestionType } from './server/db/schema';

/*
 * Randomized response (issue 15, local differential privacy), shared by the server, the pages
 * and the editor. k-ary randomized response: the true answer is kept with probability
 * p = e^eps / (e^eps + k - 1), otherwise one of the k - 1 other answers is sent, each with
 * q = 1 / (e^eps + k - 1). Any answer sent is then at most e^eps times as likely under one true
 * answer as under another: that ratio is the whole guarantee.
 *
 * One epsilon for every question, ln 3 ("at most three times as likely"): a ratio a pupil and a
 * teacher can both be told in one sentence, and a strong promise for a sensitive question. The
 * price is precision: in simulations at n = 25 the median 95% interval of one answer's share is
 * 0.69 wide with 3 answers, 0.87 with 5 and all of 0-1 with ratings 0-10 (0.38 with 5 answers at
 * n = 200), so a class's estimate is a direction, which the results and the editor say. A
 * per-question choice would put that privacy/precision trade-off on every teacher; a larger
 * epsilon is a change of ODDS here (the pages and texts read it from here, the tests pin 3).
 */

/** e^eps, the odds ratio the guarantee bounds; the pages carry this number to the phone. */
export const ODDS = 3;
export const EPSILON = Math.log(ODDS);

/** Single-answer types only: a multiple-choice answer is a set and a one-word answer has no fixed list to pick from. */
export const randomizableTypes: readonly QuestionType[] = ['agree5', 'smiley3', 'smiley5', 'rating10', 'single_choice'];

export function isRandomizable(type: string): boolean {
	return (randomizableTypes as readonly string[]).includes(type);
}

/** Probability of keeping the true answer among k answers. */
export function keepProbability(k: number): number {
	return ODDS / (ODDS + k - 1);
}

/**
 * The answer to send instead of `truth`: kept with probability keepProbability(k), else a
 * uniformly chosen other answer. `random` returns a uniform number in [0, 1).
 */
export function randomizeChoice<T>(truth: T, choices: readonly T[], random: () => number): T {
	const k = choices.length;
	if (random() < keepProbability(k)) return truth;
	const others = choices.filter((c) => c !== truth);
	return others[Math.min(others.length - 1, Math.floor(random() * others.length))]!;
}

/** A uniform number in [0, 1) from the platform's cryptographic generator (Node 20 and browsers). */
export function secureRandom(): number {
	const word = new Uint32Array(1);
	crypto.getRandomValues(word);
	return word[0]! / 2 ** 32;
}
