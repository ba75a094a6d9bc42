import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { answerCounts, groups, publishedCounts, roundTallies, rounds, schools, type QuestionType } from '../db/schema';
import { loadForRound } from '../questionnaires/content';
import { themes } from '../questionnaires/templates';
import { isId } from '../org/groups';
import { RESPONDENTS } from '../rounds/answers';
import { csvDocument, csvRow } from './csv';
import { isShown } from './k-rule';
import { randomizedCsvLines } from './randomized-csv';
import { randomizedResult, type RandomizedResult } from './randomized-response';
import { scaleSteps } from './scale-labels';

/**
 * The results of one round, with every rule of PRIVACY.md applied here, so a page, an export
 * or a later dashboard cannot show more than this returns:
 * - S4: a round of fewer than k submissions returns only n; a question answered by fewer than
 *   k returns no distribution, mean or terms. One-way per question only, never a cross-tab.
 * - S5: while open, only n; with live results, the last published snapshot (taken by the
 *   batch writer in steps of at least k submissions), never the live counters.
 * - S7: a one-word term is returned only when at least 2 students gave it.
 * Who may see a round is the caller's check (rounds/access.ts canWatch).
 */

export type Locale = 'nl' | 'en';

/** Scale types whose values are numbers, so a mean means something. */
const meanTypes: ReadonlySet<QuestionType> = new Set(['agree5', 'smiley3', 'smiley5', 'rating10']);
/** S7: a term one student gave could be recognised (a name, a nickname); two or more, not. */
export const MIN_TERM_COUNT = 2;

export interface DistributionItem {
	choice: string;
	label: string;
	n: number;
	/** Percentage of the question's respondents, 1 decimal (multiple choice may sum above 100). */
	share: number;
}

export interface QuestionResult {
	id: string;
	type: QuestionType;
	prompt: string;
	/** The theme's name in the report's language (its key when it is not a built-in theme). */
	theme: string | null;
	themeKey: string | null;
	/** How many students answered this question (in the snapshot shown). */
	respondents: number;
	/** False when fewer than k answered: distribution and terms are empty, mean is null. */
	shown: boolean;
	/** Every choice of a scale or choice question, in order, including those nobody picked. */
	distribution: DistributionItem[];
	/** Agree, smiley and rating questions only, 1 decimal. */
	mean: number | null;
	/** One-word questions only: terms given by at least 2 students, most frequent first. */
	terms: Array<{ term: string; n: number }>;
	/**
	 * Randomized response (issue 15): the distribution holds the counters as counted (noisy on
	 * purpose); this is the de-biased estimate to show, and `mean` is its mean. Null otherwise.
	 */
	randomized: RandomizedResult | null;
}

export interface RoundResults {
	locale: Locale;
	/** Submissions so far (always shown: a count, not a distribution). */
	n: number;
	/** The school's minimum group size. */
	k: number;
	open: boolean;
	liveResults: boolean;
	/**
	 * How many submissions the shown snapshot holds: while open with live results, and once
	 * closed when the round keeps its last snapshot as its results (rounds.ts `keepsSnapshot`); else null.
	 */
	publishedN: number | null;
	/** False: nothing but n may be shown, and `questions` is empty. */
	shown: boolean;
	questions: QuestionResult[];
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/**
 * A closed round whose live snapshot is still there reports the snapshot, not its final counters:
 * `rounds.close` keeps it only when the final counts would add fewer than k answers to what staff
 * already saw (S4 across time). Also true in the moment between a round's closing time and the
 * job that closes it, so the results never show the final counts before that check.
 */
export const keptSnapshot = sql<boolean>`${rounds.id} in (select ${publishedCounts.roundId} from ${publishedCounts})`;

async function roundFacts(db: Database, roundId: string) {
	if (!isId(roundId)) return null;
	const [row] = await db
		.select({
			versionId: rounds.versionId,
			n: roundTallies.n,
			publishedN: roundTallies.publishedN,
			open: sql<boolean>`${rounds.closedAt} is null and (${rounds.closesAt} is null or ${rounds.closesAt} > now())`,
			liveResults: rounds.liveResults,
			keptSnapshot,
			k: schools.minGroupSize
		})
		.from(rounds)
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.innerJoin(schools, eq(schools.id, groups.schoolId))
		.where(eq(rounds.id, roundId));
	return row ?? null;
}

/** The counters to report from: the final ones once closed, the published snapshot while live. */
async function countsOf(db: Database, roundId: string, source: 'final' | 'published') {
	const table = source === 'final' ? answerCounts : publishedCounts;
	const rows = await db.select({ questionId: table.questionId, choice: table.choice, n: table.n }).from(table).where(eq(table.roundId, roundId));
	const byQuestion = new Map<string, Map<string, number>>();
	for (const row of rows) {
		if (!byQuestion.has(row.questionId)) byQuestion.set(row.questionId, new Map());
		byQuestion.get(row.questionId)!.set(row.choice, row.n);
	}
	return byQuestion;
}

interface QuestionContent {
	id: string;
	type: QuestionType;
	promptNl: string;
	promptEn: string;
	theme: string | null;
	options: Array<{ nl: string; en: string }> | null;
	randomized: boolean;
}

function questionResult(question: QuestionContent, counts: Map<string, number>, k: number, locale: Locale): QuestionResult {
	const themeKey = question.theme;
	const themeName = themeKey ? ((themes as Record<string, { nl: string; en: string }>)[themeKey]?.[locale] ?? themeKey) : null;
	const respondents =
		question.type === 'multiple_choice' ? (counts.get(RESPONDENTS) ?? 0) : [...counts.values()].reduce((sum, n) => sum + n, 0);
	const base = { id: question.id, type: question.type, prompt: locale === 'en' ? question.promptEn : question.promptNl, theme: themeName, themeKey, respondents };
	if (!isShown(respondents, k)) return { ...base, shown: false, distribution: [], mean: null, terms: [], randomized: null };

	const share = (n: number) => oneDecimal((100 * n) / respondents);
	if (question.type === 'one_word') {
		const terms = [...counts.entries()]
			.filter(([, n]) => n >= MIN_TERM_COUNT)
			.sort(([a, x], [b, y]) => y - x || a.localeCompare(b, locale))
			.map(([term, n]) => ({ term, n }));
		return { ...base, shown: true, distribution: [], mean: null, terms, randomized: null };
	}
	const steps = meanTypes.has(question.type)
		? scaleSteps(question.type, locale)
		: (question.options ?? []).map((option, i) => ({ choice: String(i), label: option[locale] }));
	const distribution = steps.map(({ choice, label }) => {
		const n = counts.get(choice) ?? 0;
		return { choice, label, n, share: share(n) };
	});
	if (question.randomized) {
		const randomized = randomizedResult(distribution, meanTypes.has(question.type));
		return { ...base, shown: true, distribution, mean: randomized.mean?.mean ?? null, terms: [], randomized };
	}
	const mean = meanTypes.has(question.type) ? oneDecimal(distribution.reduce((sum, d) => sum + Number(d.choice) * d.n, 0) / respondents) : null;
	return { ...base, shown: true, distribution, mean, terms: [], randomized: null };
}

/** The results of a round as PRIVACY.md allows them to be seen, or null when there is no such round. */
export async function roundResults(db: Database, roundId: string, locale: Locale): Promise<RoundResults | null> {
	const round = await roundFacts(db, roundId);
	if (!round) return null;
	const live = round.open && round.liveResults;
	const snapshot = live || (!round.open && round.keptSnapshot);
	const result = {
		locale,
		n: round.n,
		k: round.k,
		open: round.open,
		liveResults: round.liveResults,
		publishedN: snapshot ? round.publishedN : null
	};
	// S5: an open round without live results shows only its count; S4: so does one below k.
	const basis = snapshot ? round.publishedN : round.open ? 0 : round.n;
	if (!isShown(basis, round.k)) return { ...result, shown: false, questions: [] };

	const content = await loadForRound(db, round.versionId);
	const counts = await countsOf(db, roundId, snapshot ? 'published' : 'final');
	const questions = (content?.questions ?? []).map((q) => questionResult(q, counts.get(q.id) ?? new Map(), round.k, locale));
	return { ...result, shown: true, questions };
}

const csvNotes = {
	nl: {
		suppressed: (k: number) => `Te weinig antwoorden (minder dan ${k}): geen resultaten.`,
		open: 'De ronde is nog open: de resultaten komen als ze gesloten is.',
		question: (position: number, k: number) => `Vraag ${position}: door minder dan ${k} leerlingen beantwoord, weggelaten.`,
		terms: 'Woorden die door maar één leerling zijn gegeven, zijn weggelaten.',
		live: (n: number) => `Tussenstand: de eerste ${n} antwoorden.`,
		kept: (n: number, k: number) => `De laatste tussenstand, van de eerste ${n} antwoorden: de antwoorden daarna zouden ernaast die van minder dan ${k} leerlingen laten zien.`
	},
	en: {
		suppressed: (k: number) => `Too few responses (fewer than ${k}): no results.`,
		open: 'The round is still open: the results come when it closes.',
		question: (position: number, k: number) => `Question ${position}: answered by fewer than ${k} students, left out.`,
		terms: 'Words given by only one student are left out.',
		live: (n: number) => `Interim results: the first ${n} responses.`,
		kept: (n: number, k: number) => `The last interim results, of the first ${n} responses: the responses after them would reveal answers of fewer than ${k} students next to them.`
	}
};

/**
 * The results as CSV: one row per question and choice (or shown term) with n and share.
 * It is made from `RoundResults` only, so it holds exactly what the page may show: suppressed
 * questions and terms are left out entirely, and a `#` note line says so.
 */
export function roundResultsCsv(results: RoundResults): string {
	const notes = csvNotes[results.locale];
	const lines = [`# n = ${results.n}`, ['question', 'prompt', 'theme', 'type', 'choice', 'label', 'n', 'share_percent'].join(',')];
	const row = (position: number, q: QuestionResult, choice: string, label: string, n: number, share: number) =>
		lines.push(csvRow([position, q.prompt, q.theme, q.type, choice, label, n, share]));
	results.questions.forEach((q, i) => {
		for (const d of q.distribution) row(i + 1, q, d.choice, d.label, d.n, d.share);
		for (const t of q.terms) row(i + 1, q, t.term, t.term, t.n, oneDecimal((100 * t.n) / q.respondents));
	});
	if (!results.shown) lines.push(`# ${results.open && !results.liveResults ? notes.open : notes.suppressed(results.k)}`);
	if (results.publishedN !== null && results.shown) lines.push(`# ${results.open ? notes.live(results.publishedN) : notes.kept(results.publishedN, results.k)}`);
	results.questions.forEach((q, i) => {
		if (!q.shown) lines.push(`# ${notes.question(i + 1, results.k)}`);
	});
	if (results.questions.some((q) => q.type === 'one_word' && q.shown)) lines.push(`# ${notes.terms}`);
	lines.push(...randomizedCsvLines(results.questions, results.locale));
	return csvDocument(lines);
}
