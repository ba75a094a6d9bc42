import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '../../join-code';
import type { Database } from '../db/client';
import { preparedPer } from '../db/prepared';
import { memoize } from '../memo';
import { answerCounts, ballots, groups, heldAnswers, publishedCounts, roundTallies, rounds, schools, tans } from '../db/schema';
import { mayFollow } from '../reporting/k-rule';
import * as answerPool from './answer-pool';
import { RESPONDENTS } from './answers';

/** Opening and closing rounds. Who may do so is the caller's check (policy). */

export interface OpenRound {
	groupId: string;
	versionId: string;
	openedBy: string | null;
	cap?: number | null;
	tanOnly?: boolean;
	liveResults?: boolean;
	closesAt?: Date | null;
}

/** Unbiased: 256 is not a multiple of the alphabet, so bytes past the last full cycle are redrawn. */
export function generateJoinCode(): string {
	const limit = 256 - (256 % JOIN_CODE_ALPHABET.length);
	let code = '';
	while (code.length < JOIN_CODE_LENGTH) {
		const bytes = new Uint8Array(16);
		crypto.getRandomValues(bytes);
		for (const byte of bytes) {
			if (byte < limit && code.length < JOIN_CODE_LENGTH) code += JOIN_CODE_ALPHABET[byte % JOIN_CODE_ALPHABET.length];
		}
	}
	return code;
}

/** Opens a round with a join code unique among open rounds; returns its id and code. */
export async function open(db: Database, input: OpenRound): Promise<{ id: string; joinCode: string }> {
	for (let attempt = 0; attempt < 10; attempt++) {
		const joinCode = generateJoinCode();
		const created = await db.transaction(async (tx) => {
			const [round] = await tx
				.insert(rounds)
				.values({
					groupId: input.groupId,
					versionId: input.versionId,
					openedBy: input.openedBy,
					joinCode,
					cap: input.cap ?? null,
					tanOnly: input.tanOnly ?? false,
					liveResults: input.liveResults ?? false,
					closesAt: input.closesAt ?? null
				})
				.onConflictDoNothing()
				.returning({ id: rounds.id });
			if (round) await tx.insert(roundTallies).values({ roundId: round.id, n: 0 });
			return round;
		});
		if (created) return { id: created.id, joinCode };
	}
	throw new Error('No free join code after 10 attempts');
}

/** How many answered each question (a multiple-choice question counts its respondents apart). */
function respondents(rows: Array<{ questionId: string; choice: string; n: number }>): Map<string, number> {
	const byQuestion = new Map<string, number>();
	for (const row of rows) if (row.choice !== RESPONDENTS) byQuestion.set(row.questionId, (byQuestion.get(row.questionId) ?? 0) + row.n);
	for (const row of rows) if (row.choice === RESPONDENTS) byQuestion.set(row.questionId, row.n);
	return byQuestion;
}

/**
 * S4 across time: the final counts of a round with a snapshot (a live round, or a reopened one)
 * may replace its last snapshot only when they add,
 * to the round and to every question shown in both, no answer or at least k; otherwise the
 * final results minus the snapshot staff saw would be the answers of fewer than k students
 * (with one, a whole submission). Such a round keeps its snapshot as its results for good.
 */
async function keepsSnapshot(tx: Parameters<Parameters<Database['transaction']>[0]>[0], roundId: string): Promise<boolean> {
	const [round] = await tx
		.select({ n: roundTallies.n, publishedN: roundTallies.publishedN, k: schools.minGroupSize })
		.from(rounds)
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.innerJoin(schools, eq(schools.id, groups.schoolId))
		.where(eq(rounds.id, roundId));
	if (!round || round.publishedN === 0) return false;
	const columns = { questionId: publishedCounts.questionId, choice: publishedCounts.choice, n: publishedCounts.n };
	const snapshot = respondents(await tx.select(columns).from(publishedCounts).where(eq(publishedCounts.roundId, roundId)));
	if (snapshot.size === 0) return false;
	if (!mayFollow(round.publishedN, round.n, round.k)) return true;
	const final = respondents(
		await tx.select({ questionId: answerCounts.questionId, choice: answerCounts.choice, n: answerCounts.n }).from(answerCounts).where(eq(answerCounts.roundId, roundId))
	);
	return [...final].some(([questionId, n]) => !mayFollow(snapshot.get(questionId) ?? 0, n, round.k));
}

/**
 * Closes the round, writes its held answers into the counters (S6) and deletes its ballots and
 * TANs (S3) and its live snapshot (S5), unless the snapshot must stay its results
 * (`keepsSnapshot`). Idempotent.
 */
export async function close(db: Database, roundId: string): Promise<void> {
	await db.transaction(async (tx) => {
		// Takes the batch writer's lock (the round's tally) first: no batch is half applied while
		// the round closes and its counts are compared.
		await answerPool.flush(tx, roundId);
		await tx.update(rounds).set({ closedAt: sql`now()` }).where(and(eq(rounds.id, roundId), isNull(rounds.closedAt)));
		await tx.delete(ballots).where(eq(ballots.roundId, roundId));
		await tx.delete(tans).where(eq(tans.roundId, roundId));
		if (!(await keepsSnapshot(tx, roundId))) await tx.delete(publishedCounts).where(eq(publishedCounts.roundId, roundId));
	});
}

/** How long after closing by hand a round may be opened again. */
export const REOPEN_MINUTES = 5;

/**
 * A round closed too early may be opened again (issue 16): closed by hand (before any auto-close
 * time), within REOPEN_MINUTES, and without live results. Its join code must still be free.
 */
export const isReopenable = sql<boolean>`(${rounds.closedAt} is not null
	and ${rounds.closedAt} > now() - ${sql.raw(`interval '${REOPEN_MINUTES} minutes'`)}
	and (${rounds.closesAt} is null or ${rounds.closedAt} < ${rounds.closesAt})
	and not ${rounds.liveResults})`;

/**
 * Opens a round closed too early again (see isReopenable) with the same code, and clears its
 * auto-close time, which the close overtook. Its ballots and TANs were deleted on closing (S3):
 * students join again, and a TAN-only round needs new codes. False: not (or no longer) allowed.
 *
 * Its results so far may have been seen, so they become its snapshot, as a live round's are:
 * the next close replaces them only when it adds no answer or at least k (`keepsSnapshot`), and
 * results before and after a few more answers never differ by fewer than k (S4, S5).
 */
export async function reopen(db: Database, roundId: string): Promise<boolean> {
	const sameCodeOpen = sql`exists (select 1 from ${rounds} as other where other.join_code = ${rounds.joinCode} and other.closed_at is null)`;
	return db.transaction(async (tx) => {
		// The batch writer's lock, as the close takes it: the counts copied are the counts.
		await tx.select({ n: roundTallies.n }).from(roundTallies).where(eq(roundTallies.roundId, roundId)).for('update');
		const reopened = await tx
			.update(rounds)
			.set({ closedAt: null, closesAt: null })
			.where(and(eq(rounds.id, roundId), isReopenable, sql`not ${sameCodeOpen}`))
			.returning({ id: rounds.id });
		if (reopened.length === 0) return false;
		await tx.delete(publishedCounts).where(eq(publishedCounts.roundId, roundId));
		await tx.insert(publishedCounts).select(tx.select({ roundId: answerCounts.roundId, questionId: answerCounts.questionId, choice: answerCounts.choice, n: answerCounts.n }).from(answerCounts).where(eq(answerCounts.roundId, roundId)));
		// Written answers only: a round answered once keeps its one answer sealed (S6).
		await tx
			.update(roundTallies)
			.set({ publishedN: sql`${roundTallies.n} - coalesce((select ${heldAnswers.members} from ${heldAnswers} where ${heldAnswers.roundId} = ${roundId}), 0)` })
			.where(eq(roundTallies.roundId, roundId));
		return true;
	});
}

/** Closes every round whose auto-close time has passed; returns their ids. */
export async function closeDue(db: Database): Promise<string[]> {
	const due = await db
		.select({ id: rounds.id })
		.from(rounds)
		.where(and(isNull(rounds.closedAt), lte(rounds.closesAt, sql`now()`)));
	for (const { id } of due) await close(db, id);
	return due.map((r) => r.id);
}

/** Open: not closed, and its auto-close time (if any) not yet passed. */
export const isOpen = sql<boolean>`${rounds.closedAt} is null and (${rounds.closesAt} is null or ${rounds.closesAt} > now())`;

const studentFacts = {
	id: rounds.id,
	versionId: rounds.versionId,
	joinCode: rounds.joinCode,
	tanOnly: rounds.tanOnly,
	cap: rounds.cap,
	n: roundTallies.n,
	open: isOpen
};

/**
 * The round a join code names: the open one, else the most recent closed one (so a student
 * late for a round hears that it closed rather than that the code is wrong).
 */
export async function findByCode(db: Database, joinCode: string) {
	const [round] = await roundByCode(db).execute({ joinCode });
	return round ?? null;
}

/** Every join asks it (once a second per code): prepared. */
const roundByCode = preparedPer((db: Database) =>
	db
		.select(studentFacts)
		.from(rounds)
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.where(eq(rounds.joinCode, sql.placeholder('joinCode')))
		.orderBy(sql`${rounds.closedAt} desc nulls first`)
		.limit(1)
		.prepare('round_by_code')
);

/**
 * findByCode as the join path asks it, believed for a second, so a class joining at once asks
 * the database about once. It is only a first answer: a ballot is issued only while the round
 * is still open (ballots.issueMany), and the batch writer checks open and cap again under the
 * round's lock, so a stale answer costs at most a refusal one step later.
 */
export const findByCodeToJoin = memoize(findByCode, { ttlMs: 1_000 });

/** A round by id with the facts the student flow checks. */
export async function find(db: Database, roundId: string) {
	const [round] = await db
		.select(studentFacts)
		.from(rounds)
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.where(eq(rounds.id, roundId));
	return round ?? null;
}

/** The questionnaire version a round is answered with: fixed when it opens, so cached. */
export const versionOf = memoize(async (db: Database, roundId: string) => {
	const [round] = await db.select({ versionId: rounds.versionId }).from(rounds).where(eq(rounds.id, roundId));
	return round?.versionId ?? null;
});
