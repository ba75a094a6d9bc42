import { hashToken } from '../auth/tokens';
import type { Database } from '../db/client';
import * as content from '../questionnaires/content';
import { receiptLines, type ReceiptLine } from './receipt';
import { toIncrements, type AnswerProblem } from './answers';
import * as ballots from './ballots';
import { randomizeIncrements } from './randomize';
import type { BatchWriter } from './batch-writer';
import * as rounds from './rounds';

/**
 * The anonymous student flow, shared by the JSON API and the HTML pages. Nothing here sees
 * a cookie, an IP address or a user agent (PRIVACY.md S1).
 */

export type JoinRefusal = 'unknown' | 'closed' | 'full' | 'tan_required' | 'tan_unknown';

export type Joined = { ok: true; roundId: string; joinCode: string; ballot: string; questionnaire: content.VersionContent };

type Admitted = Joined | { ok: false; refusal: JoinRefusal };

/** Round id in, ballot token out; null when the round is not open (any more). */
export type IssueBallot = (roundId: string) => Promise<string | null>;

type RoundFacts = Awaited<ReturnType<typeof rounds.find>>;

function refusalOf(round: RoundFacts): JoinRefusal | null {
	if (!round) return 'unknown';
	if (!round.open) return 'closed';
	if (round.cap !== null && round.n >= round.cap) return 'full';
	return null;
}

async function admit(db: Database, round: RoundFacts, ballot: string | IssueBallot): Promise<Admitted> {
	if (!round) return { ok: false, refusal: 'unknown' };
	const refusal = refusalOf(round);
	if (refusal) return { ok: false, refusal };
	const questionnaire = await content.loadForRound(db, round.versionId);
	if (!questionnaire) return { ok: false, refusal: 'unknown' };
	const token = typeof ballot === 'string' ? ballot : await ballot(round.id);
	// Refused at the last moment (the facts above may be a second old): say why, as it is now.
	if (!token) return { ok: false, refusal: refusalOf(await rounds.find(db, round.id)) ?? 'closed' };
	return { ok: true, roundId: round.id, joinCode: round.joinCode, ballot: token, questionnaire };
}

/** A joined round as the student pages show it, in the page's language. */
export function pageView(joined: Joined, locale: 'nl' | 'en') {
	const en = locale === 'en';
	return {
		code: joined.joinCode,
		roundId: joined.roundId,
		ballot: joined.ballot,
		title: en ? joined.questionnaire.titleEn : joined.questionnaire.titleNl,
		questions: joined.questionnaire.questions.map((q) => ({
			id: q.id,
			type: q.type,
			prompt: en ? q.promptEn : q.promptNl,
			options: q.options?.map((o) => (en ? o.en : o.nl)) ?? [],
			randomized: q.randomized
		}))
	};
}

/** Joining with the projected code: one new ballot per join. */
export async function joinWithCode(db: Database, issueBallot: IssueBallot, code: string): Promise<Admitted> {
	const round = await rounds.findByCodeToJoin(db, code);
	if (round?.open && round.tanOnly) return { ok: false, refusal: 'tan_required' };
	return admit(db, round, issueBallot);
}

/** Joining with a printed one-time code: the code is used up, whatever happens next. */
export async function joinWithTan(db: Database, tan: string): Promise<Admitted> {
	const exchanged = await ballots.exchangeTan(db, tan);
	if (!exchanged) return { ok: false, refusal: 'tan_unknown' };
	return admit(db, await rounds.find(db, exchanged.roundId), exchanged.token);
}

export type SubmitResult = { ok: true; receipt: ReceiptLine[] } | { ok: false; refusal: 'ballot_used' | 'closed' | 'full' | 'invalid' | 'empty' | 'invalid_word' };

function answerRefusal(problem: AnswerProblem): 'invalid' | 'empty' | 'invalid_word' {
	return problem.code === 'empty' || problem.code === 'invalid_word' ? problem.code : 'invalid';
}

/**
 * Validates completely, then hands the increments to the batch writer and waits for its commit.
 * The receipt says what was kept, in `locale`, made from the same increments (valid increments
 * need questions, so a counted submission always has its questionnaire).
 * `randomizedOnPhone`: the phone already applied randomized response to the randomized
 * questions (issue 15); otherwise the server does, before anything is queued.
 */
export async function submit(
	db: Database,
	writer: BatchWriter,
	ballot: string,
	answers: Record<string, unknown>,
	locale: 'nl' | 'en',
	randomizedOnPhone: boolean
): Promise<SubmitResult> {
	const roundId = ballots.roundOfToken(ballot);
	if (!roundId) return { ok: false, refusal: 'invalid' };
	// Whether the round is open, full or the ballot valid, the batch writer decides under the
	// round's lock; here only the answers are checked against the questions.
	const versionId = await rounds.versionOf(db, roundId);
	if (!versionId) return { ok: false, refusal: 'ballot_used' };
	const questionnaire = await content.loadForRound(db, versionId);
	const questions = questionnaire?.questions ?? [];
	const valid = toIncrements(questions, answers);
	if (!Array.isArray(valid)) return { ok: false, refusal: answerRefusal(valid) };
	const increments = randomizedOnPhone ? valid : randomizeIncrements(questions, valid);
	const outcome = await writer.submit({ roundId, ballotHash: hashToken(ballot), increments });
	return outcome === 'counted' ? { ok: true, receipt: receiptLines(questionnaire!, increments, locale) } : { ok: false, refusal: outcome };
}
