import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { answerCounts, ballots, groups, publishedCounts, roundTallies, rounds, schools } from '../db/schema';
import { inJson, jsonRows } from '../db/json-rows';
import type { Increment } from './answers';
import { createCoalescer, type CoalescerOptions } from './coalescer';
import { isOpen } from './rounds';

/**
 * The batch writer (PRIVACY.md S6). Submissions that arrive within a short window are applied
 * together in one transaction: their ballots are consumed and their increments summed, so
 * neither the tables nor the database log can pair a ballot with its answers once a batch
 * holds more than one submission. A submission is answered only after its batch committed;
 * if the batch fails, every submission in it fails and nothing of it is counted, so a retry
 * with the same ballot succeeds exactly once.
 */

export interface Submission {
	roundId: string;
	ballotHash: string;
	increments: Increment[];
}

export type SubmitOutcome = 'counted' | 'ballot_used' | 'closed' | 'full';

/** NOTIFY channel for live counts: payload `{"<roundId>": n, ...}`, sent on commit. */
export const TALLY_CHANNEL = 'round_tally';
const ROUNDS_PER_NOTIFY = 100;

export interface BatchWriter {
	submit(submission: Submission): Promise<SubmitOutcome>;
	/** Writes what is pending and stops taking submissions. */
	close(): Promise<void>;
}

const BATCHES_PER_LANE = 2;

/**
 * Batches that share a round wait for each other's tally locks, so concurrent batches of one
 * coalescer mostly wait in turn. Each round belongs to one of `concurrency` lanes instead, and
 * batches of different lanes never share a round: with many rounds open (a school at 9:00)
 * they are written side by side. Within a lane two batches may run: the second consumes its
 * ballots while the first holds the locks (the assembly hall, one round, gains most).
 */
export function createBatchWriter(db: Database, options: CoalescerOptions): BatchWriter {
	const lanes = Array.from({ length: options.concurrency }, () =>
		createCoalescer((batch: Submission[]) => applyBatch(db, batch), { ...options, concurrency: BATCHES_PER_LANE })
	);
	return {
		submit: (submission) => lanes[laneOf(submission.roundId, lanes.length)]!.add(submission),
		close: async () => {
			await Promise.all(lanes.map((lane) => lane.close()));
		}
	};
}

/** A round id's lane: its first 32 bits (random in a v4 UUID) modulo the lanes. */
function laneOf(roundId: string, lanes: number): number {
	return Number.parseInt(roundId.slice(0, 8), 16) % lanes;
}

interface RoundState {
	n: number;
	open: boolean;
	cap: number | null;
	liveResults: boolean;
	publishedN: number;
	/** The school's k (S4), the step of live snapshots (S5). */
	k: number;
}

/** One transaction for the whole batch; returns one outcome per submission, in order. */
export async function applyBatch(db: Database, batch: Submission[]): Promise<SubmitOutcome[]> {
	return db.transaction(async (tx) => {
		const hashes = [...new Set(batch.map((s) => s.ballotHash))];
		const consumedRows = await tx.delete(ballots).where(inJson(ballots.tokenHash, hashes)).returning({ tokenHash: ballots.tokenHash, roundId: ballots.roundId });
		const consumed = new Map(consumedRows.map((r) => [r.tokenHash, r.roundId]));

		// Locking the tallies in a fixed order serialises batches per round (exact caps)
		// without deadlocks between concurrent batches. From here to the commit the locks are
		// held, and on a busy server each round trip also waits for the event loop: as few
		// round trips as possible follow.
		const roundIds = [...new Set(batch.map((s) => s.roundId))].sort();
		const stateRows = await tx
			.select({
				roundId: roundTallies.roundId,
				n: roundTallies.n,
				open: isOpen,
				cap: rounds.cap,
				liveResults: rounds.liveResults,
				publishedN: roundTallies.publishedN,
				k: schools.minGroupSize
			})
			.from(roundTallies)
			.innerJoin(rounds, sql`${rounds.id} = ${roundTallies.roundId}`)
			.innerJoin(groups, sql`${groups.id} = ${rounds.groupId}`)
			.innerJoin(schools, sql`${schools.id} = ${groups.schoolId}`)
			.where(inJson(roundTallies.roundId, roundIds))
			.orderBy(roundTallies.roundId)
			.for('update', { of: roundTallies });
		const state = new Map<string, RoundState>(stateRows.map((r) => [r.roundId, { ...r }]));

		const counts = new Map<string, Counter>();
		const added = new Map<string, number>();
		const outcomes = batch.map((submission): SubmitOutcome => {
			const round = state.get(submission.roundId);
			const ballotRound = consumed.get(submission.ballotHash);
			consumed.delete(submission.ballotHash);
			if (!round || !round.open) return 'closed';
			if (ballotRound !== submission.roundId) return 'ballot_used';
			if (round.cap !== null && round.n >= round.cap) return 'full';
			round.n += 1;
			added.set(submission.roundId, (added.get(submission.roundId) ?? 0) + 1);
			for (const { questionId, choice } of submission.increments) {
				const key = `${submission.roundId}\u0000${questionId}\u0000${choice}`;
				const row = counts.get(key);
				if (row) row.n += 1;
				else counts.set(key, { roundId: submission.roundId, questionId, choice, n: 1 });
			}
			return 'counted';
		});

		if (added.size > 0) {
			const tallies = [...added.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
			// Independent of each other, so sent at once: postgres.js pipelines them.
			await Promise.all([...addSums(tx, counts, tallies), ...notifyCounts(tx, tallies, state)]);
			await publishLiveSnapshots(
				tx,
				tallies.map(([roundId]) => roundId).filter((id) => {
					const round = state.get(id)!;
					return round.liveResults && round.n - round.publishedN >= round.k;
				})
			);
		}
		return outcomes;
	});
}

type Counter = { roundId: string; questionId: string; choice: string; n: number };

function addSums(tx: Database, counts: Map<string, Counter>, tallies: Array<[string, number]>) {
	const rows = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, c]) => ({ round_id: c.roundId, question_id: c.questionId, choice: c.choice, n: c.n }));
	return [
		tx
			.insert(answerCounts)
			.select(sql`select round_id, question_id, choice, n from ${jsonRows(rows)} as r(round_id uuid, question_id uuid, choice text, n integer)`)
			.onConflictDoUpdate({
				target: [answerCounts.roundId, answerCounts.questionId, answerCounts.choice],
				set: { n: sql`${answerCounts.n} + excluded.n` }
			}),
		tx
			.insert(roundTallies)
			.select(sql`select round_id, n, 0 from ${jsonRows(tallies.map(([roundId, n]) => ({ round_id: roundId, n })))} as r(round_id uuid, n integer)`)
			.onConflictDoUpdate({ target: roundTallies.roundId, set: { n: sql`${roundTallies.n} + excluded.n` } })
	];
}

/** Live counts for the projectors, delivered by PostgreSQL when the batch commits. */
function notifyCounts(tx: Database, tallies: Array<[string, number]>, state: Map<string, RoundState>) {
	const notifications = [];
	for (let i = 0; i < tallies.length; i += ROUNDS_PER_NOTIFY) {
		const payload = Object.fromEntries(tallies.slice(i, i + ROUNDS_PER_NOTIFY).map(([roundId]) => [roundId, state.get(roundId)!.n]));
		notifications.push(tx.execute(sql`select pg_notify(${TALLY_CHANNEL}, ${JSON.stringify(payload)})`));
	}
	return notifications;
}

/**
 * S5: a live-results round shows a snapshot that moves only once k or more new submissions
 * arrived, so no single submission can be isolated by watching the screen change. Runs after
 * the sums, in order.
 */
async function publishLiveSnapshots(tx: Database, roundIds: string[]) {
	if (roundIds.length === 0) return;
	await tx.delete(publishedCounts).where(inArray(publishedCounts.roundId, roundIds));
	await tx.insert(publishedCounts).select(tx.select().from(answerCounts).where(inArray(answerCounts.roundId, roundIds)));
	await tx.update(roundTallies).set({ publishedN: roundTallies.n }).where(inArray(roundTallies.roundId, roundIds));
}
