import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { preparedPer } from '../db/prepared';
import type { Increment } from './answers';
import * as answerPool from './answer-pool';
import type { Member } from './answer-pool';
import { createCoalescer, type CoalescerOptions } from './coalescer';

/**
 * The batch writer (PRIVACY.md S6). Submissions that arrive within a short window are applied
 * together in one transaction: their ballots are consumed and their increments summed, so
 * neither the tables nor the database log can pair a ballot with its answers. Counters grow only
 * by sums of two or more submissions of a round: at low traffic the rest wait, sealed, in the
 * round's pool (answer-pool.ts). A submission is answered only after its batch committed;
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

/** A batch whose outcomes or pools keep changing under it (replays racing in other batches) fails after this many calls. */
const MAX_CALLS = 5;

/**
 * The round pools (answer-pool.ts) as this process last planned or read them. Only a belief:
 * `apply_answer_batch` compares it with the stored pool under the round's lock, and another
 * instance's batch or a close merely costs one more call. Bounded: the oldest entries go first.
 */
interface KnownPool {
	sealed: string | null;
	members: Member[];
}
const knownPools = new Map<string, KnownPool>();
const MAX_KNOWN_POOLS = 10_000;
const NO_POOL: KnownPool = { sealed: null, members: [] };

function remember(roundId: string, pool: KnownPool) {
	knownPools.delete(roundId);
	knownPools.set(roundId, pool);
	if (knownPools.size > MAX_KNOWN_POOLS) knownPools.delete(knownPools.keys().next().value!);
}

/**
 * One batch, applied by `apply_answer_batch` (drizzle/0006, its latest body in 0008): returns one outcome per
 * submission, in order. The function applies the batch only when the submissions the server
 * planned with, and the pools it planned from, are exactly the ones it finds. That is the first
 * call, unless a ballot was used, a round closed or filled up, or another instance changed a
 * pool; then the server plans again from what the function returned. The outcomes change again
 * only if another batch of the same round commits in between, so a second call almost always
 * settles it.
 */
export async function applyBatch(db: Database, batch: Submission[]): Promise<SubmitOutcome[]> {
	let counted = batch.map(() => true);
	for (let call = 1; ; call += 1) {
		const planned = planPools(batch, counted);
		// Believed at once: the lane's next batch, sent while this one runs, plans from it, and
		// the tally locks make it run after this one.
		for (const [roundId, pool] of planned) remember(roundId, pool.after);
		let result: BatchResult;
		try {
			result = await applyOnce(db, batch, counted, planned);
		} catch (error) {
			for (const roundId of planned.keys()) knownPools.delete(roundId);
			throw error;
		}
		if (!result.p) {
			batch.forEach((s, i) => result.o[i] === 'closed' && knownPools.delete(s.roundId));
			return result.o;
		}
		if (call === MAX_CALLS) throw new Error(`Batch of ${batch.length} did not settle after ${MAX_CALLS} calls`);
		counted = result.o.map((outcome) => outcome === 'counted');
		for (const [roundId, sealed] of Object.entries(result.p)) remember(roundId, sealed === null ? NO_POOL : { sealed, members: answerPool.openPool(sealed) });
	}
}

interface PlannedPool {
	before: string | null;
	after: KnownPool;
	write: Member[];
}

/** Per round with counted submissions: what its pool becomes and what is written now. */
function planPools(batch: Submission[], counted: boolean[]): Map<string, PlannedPool> {
	const arriving = new Map<string, Member[]>();
	batch.forEach((submission, i) => {
		if (!counted[i]) return;
		const members = arriving.get(submission.roundId);
		if (members) members.push(submission.increments);
		else arriving.set(submission.roundId, [submission.increments]);
	});
	const planned = new Map<string, PlannedPool>();
	for (const [roundId, members] of arriving) {
		const known = knownPools.get(roundId) ?? NO_POOL;
		const { write, keep } = answerPool.plan(known.members, members);
		const sealed = keep.length > 0 ? answerPool.sealPool(keep) : null;
		planned.set(roundId, { before: known.sealed, after: { sealed, members: keep }, write });
	}
	return planned;
}

interface BatchResult {
	o: SubmitOutcome[];
	/** Present when nothing was applied: each round's stored pool. */
	p?: Record<string, string | null>;
}

async function applyOnce(db: Database, batch: Submission[], counted: boolean[], planned: Map<string, PlannedPool>): Promise<BatchResult> {
	const submissions = batch.map((s, i) => ({ h: s.ballotHash, r: s.roundId, c: counted[i] }));
	const pools = [...planned].map(([r, pool]) => ({ r, o: pool.before, n: pool.after.sealed, m: pool.after.members.length }));
	const [row] = await applyStatement(db).execute({ submissions: JSON.stringify(submissions), sums: JSON.stringify(sums(planned)), pools: JSON.stringify(pools) });
	return row!.result;
}

/** Once per batch, the hottest statement there is: prepared. */
const applyStatement = preparedPer((db: Database) =>
	db
		.select({
			result: sql<BatchResult>`apply_answer_batch(${sql.placeholder('submissions')}::json, ${sql.placeholder('sums')}::json, ${sql.placeholder('pools')}::json)`
		})
		.from(sql`(values (1)) as one(x)`)
		.prepare('apply_answer_batch')
);

/**
 * What leaves the pools now, summed per (round, question, choice), in the shape
 * `apply_answer_batch` takes: each id once, counters referring to them by position. A spread
 * batch has about a thousand counters, which as objects were a thousand copies of two UUIDs to
 * build, send and parse.
 */
function sums(planned: Map<string, PlannedPool>) {
	const rounds = new Map<string, number>();
	const questions = new Map<string, number>();
	const counters = new Map<string, [number, number, string, number]>();
	for (const [roundId, { write }] of planned) {
		if (write.length === 0) continue;
		const r = positionOf(rounds, roundId);
		for (const { questionId, choice } of write.flat()) {
			const q = positionOf(questions, questionId);
			const key = `${r} ${q} ${choice}`;
			const counter = counters.get(key);
			if (counter) counter[3] += 1;
			else counters.set(key, [r, q, choice, 1]);
		}
	}
	return { r: [...rounds.keys()], q: [...questions.keys()], c: [...counters.values()] };
}

function positionOf(positions: Map<string, number>, id: string): number {
	let position = positions.get(id);
	if (position === undefined) positions.set(id, (position = positions.size));
	return position;
}
