import { hashToken } from '../auth/tokens';
import type { Database } from '../db/client';
import * as content from '../questionnaires/content';
import { toIncrements, type AnswerProblem } from './answers';
import * as ballots from './ballots';
import type { BatchWriter } from './batch-writer';
import * as rounds from './rounds';

/**
 * The anonymous student flow, shared by the JSON API and the HTML pages. Nothing here sees
 * a cookie, an IP address or a user agent (PRIVACY.md S1).
 */

export type JoinRefusal = 'unknown' | 'closed' | 'full' | 'tan_required' | 'tan_unknown';

export type Joined = { ok: true; roundId: string; joinCode: string; ballot: string; questionnaire: content.VersionContent };

async function admit(db: Database, round: Awaited<ReturnType<typeof rounds.find>>, ballot?: string): Promise<Joined | { ok: false; refusal: JoinRefusal }> {
	if (!round) return { ok: false, refusal: 'unknown' };
	if (!round.open) return { ok: false, refusal: 'closed' };
	if (round.cap !== null && round.n >= round.cap) return { ok: false, refusal: 'full' };
	const questionnaire = await content.loadForRound(db, round.versionId);
	if (!questionnaire) return { ok: false, refusal: 'unknown' };
	return { ok: true, roundId: round.id, joinCode: round.joinCode, ballot: ballot ?? (await ballots.issue(db, round.id)), questionnaire };
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
			options: q.options?.map((o) => (en ? o.en : o.nl)) ?? []
		}))
	};
}

/** Joining with the projected code: one new ballot per join. */
export async function joinWithCode(db: Database, code: string) {
	const round = await rounds.findByCode(db, code);
	if (round?.open && round.tanOnly) return { ok: false as const, refusal: 'tan_required' as const };
	return admit(db, round);
}

/** Joining with a printed one-time code: the code is used up, whatever happens next. */
export async function joinWithTan(db: Database, tan: string) {
	const exchanged = await ballots.exchangeTan(db, tan);
	if (!exchanged) return { ok: false as const, refusal: 'tan_unknown' as const };
	return admit(db, await rounds.find(db, exchanged.roundId), exchanged.token);
}

export type SubmitResult = { ok: true } | { ok: false; refusal: 'ballot_used' | 'closed' | 'full' | 'invalid' | 'empty' | 'invalid_word' };

function answerRefusal(problem: AnswerProblem): 'invalid' | 'empty' | 'invalid_word' {
	return problem.code === 'empty' || problem.code === 'invalid_word' ? problem.code : 'invalid';
}

/** Validates completely, then hands the increments to the batch writer and waits for its commit. */
export async function submit(db: Database, writer: BatchWriter, ballot: string, answers: Record<string, unknown>): Promise<SubmitResult> {
	const roundId = ballots.roundOfToken(ballot);
	if (!roundId) return { ok: false, refusal: 'invalid' };
	const round = await rounds.find(db, roundId);
	if (!round) return { ok: false, refusal: 'ballot_used' };
	if (!round.open) return { ok: false, refusal: 'closed' };
	const questionnaire = await content.loadForRound(db, round.versionId);
	const increments = toIncrements(questionnaire?.questions ?? [], answers);
	if (!Array.isArray(increments)) return { ok: false, refusal: answerRefusal(increments) };
	const outcome = await writer.submit({ roundId, ballotHash: hashToken(ballot), increments });
	return outcome === 'counted' ? { ok: true } : { ok: false, refusal: outcome };
}
