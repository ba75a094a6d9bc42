import type { Database } from '../db/client';
import { roundResults, type Locale, type QuestionResult, type RoundResults } from './round-results';
import { closedRounds, type ClosedRound } from './themes';

/**
 * Two closed rounds of one group side by side. Each side is `roundResults`, so the k rule
 * (S4) holds on each side on its own: a side below k shows only its n. Only rounds of the
 * same questionnaire family compare; their questions are paired by type and prompt, so a
 * question added or reworded in a later version stands alone rather than beside another.
 */

export interface ComparedSide {
	round: ClosedRound;
	results: RoundResults;
}

export interface QuestionPair {
	key: string;
	prompt: string;
	a: QuestionResult | null;
	b: QuestionResult | null;
}

export type Comparison =
	| { status: 'compared'; a: ComparedSide; b: ComparedSide; pairs: QuestionPair[] }
	/** A round that is not a closed round of this group, or two rounds of different questionnaires. */
	| { status: 'not_comparable' };

/** The group's closed rounds, newest first: what the comparison's choosers offer. */
export async function comparableRounds(db: Database, groupId: string, locale: Locale): Promise<ClosedRound[]> {
	return (await closedRounds(db, groupId, locale)).reverse();
}

/** Pairs the questions of two results by type and prompt, in the order of `a`, then what only `b` asked. */
function pairQuestions(a: RoundResults, b: RoundResults): QuestionPair[] {
	const key = (q: QuestionResult) => `${q.type}:${q.prompt}`;
	const pairs: QuestionPair[] = a.questions.map((q) => ({ key: key(q), prompt: q.prompt, a: q, b: null }));
	for (const q of b.questions) {
		const pair = pairs.find((p) => p.key === key(q) && p.b === null);
		if (pair) pair.b = q;
		else pairs.push({ key: key(q), prompt: q.prompt, a: null, b: q });
	}
	return pairs;
}

/** Rounds `a` and `b` of the group side by side, or why they cannot be. Callers check group.view. */
export async function compareRounds(db: Database, groupId: string, a: string, b: string, locale: Locale): Promise<Comparison> {
	const choices = await comparableRounds(db, groupId, locale);
	const [first, second] = [choices.find((r) => r.id === a), choices.find((r) => r.id === b)];
	if (!first || !second || first.id === second.id || first.questionnaireId !== second.questionnaireId) return { status: 'not_comparable' };
	const [resultsA, resultsB] = [await roundResults(db, first.id, locale), await roundResults(db, second.id, locale)];
	if (!resultsA || !resultsB) return { status: 'not_comparable' };
	return { status: 'compared', a: { round: first, results: resultsA }, b: { round: second, results: resultsB }, pairs: pairQuestions(resultsA, resultsB) };
}
