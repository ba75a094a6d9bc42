import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rowsOf } from '../db/rows';
import type { Increment } from './answers';
import { createCoalescer, type CoalescerOptions } from './coalescer';

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

/** NOTIFY channel for live counts: payload `{"<roundId>": n, ...}`, sent on commit by `apply_answer_batch`. */
export const TALLY_CHANNEL = 'round_tally';

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
 * they can be written side by side. Within a lane two batches may run: the second is sent while
 * the first holds the locks and runs the moment they are free. On 2 cores one lane (the
 * default) is fastest: more lanes make smaller batches, which cost more CPU per submission.
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

/**
 * A round's lane, from a hash (FNV-1a) of its whole id. Not its first 32 bits: ids need not be
 * random, and the benchmark's (`00000000-0000-4000-8000-0000000000NN`) all fell into lane 0.
 */
export function laneOf(roundId: string, lanes: number): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < roundId.length; i += 1) hash = Math.imul(hash ^ roundId.charCodeAt(i), 0x01000193);
	return (hash >>> 0) % lanes;
}

/** A batch whose outcomes keep changing under it (replays racing in other batches) fails after this many calls. */
const MAX_CALLS = 5;

/**
 * One batch, applied by `apply_answer_batch` (drizzle/0003): returns one outcome per
 * submission, in order. The function applies the batch only when the submissions the server
 * summed are exactly the ones it counts. That is the first call, unless a ballot was used or a
 * round closed or filled up; then the counted ones are summed again. The outcomes change again
 * only if another batch of the same round commits in between, so a second call almost always
 * settles it.
 */
export async function applyBatch(db: Database, batch: Submission[]): Promise<SubmitOutcome[]> {
	let counted = batch.map(() => true);
	for (let call = 1; ; call += 1) {
		const outcomes = await applyOnce(db, batch, counted);
		if (outcomes.every((outcome, i) => (outcome === 'counted') === counted[i])) return outcomes;
		if (call === MAX_CALLS) throw new Error(`Batch of ${batch.length} did not settle after ${MAX_CALLS} calls`);
		counted = outcomes.map((outcome) => outcome === 'counted');
	}
}

async function applyOnce(db: Database, batch: Submission[], counted: boolean[]): Promise<SubmitOutcome[]> {
	const submissions = batch.map((s, i) => ({ h: s.ballotHash, r: s.roundId, c: counted[i] }));
	const [row] = await rowsOf<{ outcomes: SubmitOutcome[] }>(
		db,
		sql`select apply_answer_batch(${JSON.stringify(submissions)}::json, ${JSON.stringify(sums(batch, counted))}::json) as outcomes`
	);
	return row!.outcomes;
}

/**
 * The increments of the counted submissions, summed per (round, question, choice), in the shape
 * `apply_answer_batch` takes: each id once, counters referring to them by position. A spread
 * batch has about a thousand counters, which as objects were a thousand copies of two UUIDs to
 * build, send and parse.
 */
function sums(batch: Submission[], counted: boolean[]) {
	const rounds = new Map<string, number>();
	const questions = new Map<string, number>();
	const counters = new Map<string, [number, number, string, number]>();
	batch.forEach((submission, i) => {
		if (!counted[i]) return;
		const r = positionOf(rounds, submission.roundId);
		for (const { questionId, choice } of submission.increments) {
			const q = positionOf(questions, questionId);
			const key = `${r} ${q} ${choice}`;
			const counter = counters.get(key);
			if (counter) counter[3] += 1;
			else counters.set(key, [r, q, choice, 1]);
		}
	});
	return { r: [...rounds.keys()], q: [...questions.keys()], c: [...counters.values()] };
}

function positionOf(positions: Map<string, number>, id: string): number {
	let position = positions.get(id);
	if (position === undefined) positions.set(id, (position = positions.size));
	return position;
}
