import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { rowsOf } from '../../src/lib/server/db/rows';
import { answerCounts, ballots, roundTallies } from '../../src/lib/server/db/schema';
import { toIncrements, type Increment } from '../../src/lib/server/rounds/answers';
import * as ballotsModule from '../../src/lib/server/rounds/ballots';
import { applyBatch, createBatchWriter, type BatchWriter } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

describe.each(engines)('batch writer on %s', (engine) => {
	let handle: TestDatabase;
	let writer: BatchWriter;
	let roundId: string;
	let questionIds: string[];
	let increments: (value: number) => Increment[];

	async function openRound(options: Partial<Parameters<typeof rounds.open>[1]> = {}) {
		const school = await createSchool(handle.db);
		const group = await createGroup(handle.db, school.id);
		const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }, { type: 'rating10' }]);
		questionIds = version.questions.map((q) => q.id);
		const round = await rounds.open(handle.db, { groupId: group.id, versionId: version.versionId, openedBy: null, ...options });
		increments = (value) => toIncrements(version.questions, { [questionIds[0]!]: value, [questionIds[1]!]: value }) as Increment[];
		return round.id;
	}

	async function ballot() {
		return hashToken((await ballotsModule.issue(handle.db, roundId))!);
	}

	async function counts() {
		const rows = await handle.db.select().from(answerCounts).where(eq(answerCounts.roundId, roundId));
		const [tally] = await handle.db.select({ n: roundTallies.n }).from(roundTallies).where(eq(roundTallies.roundId, roundId));
		return { rows, n: tally!.n };
	}

	/** The counters once the round is closed: what results show (a few may be held until then, S6). */
	async function finalCounts() {
		await rounds.close(handle.db, roundId);
		return counts();
	}

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		writer = createBatchWriter(handle.db, { windowMs: 5, maxBatch: 500, concurrency: 2 });
		roundId = await openRound();
	});
	afterEach(async () => {
		await writer.close();
		await handle.destroy();
	});

	it('S6: 200 concurrent submissions to one round are all counted exactly once', async () => {
		const hashes = await Promise.all(Array.from({ length: 200 }, ballot));
		const outcomes = await Promise.all(hashes.map((ballotHash, i) => writer.submit({ roundId, ballotHash, increments: increments((i % 5) + 1) })));
		expect(outcomes.every((o) => o === 'counted')).toBe(true);
		expect(await handle.db.select().from(ballots).where(eq(ballots.roundId, roundId))).toEqual([]);
		const { rows, n } = await finalCounts();
		expect(n).toBe(200);
		const q1 = rows.filter((r) => r.questionId === questionIds[0]);
		expect(q1.map((r) => [r.choice, r.n]).sort()).toEqual([['1', 40], ['2', 40], ['3', 40], ['4', 40], ['5', 40]]);
	});

	it('S6: 300 concurrent submissions over 12 rounds in 4 lanes each count once, in their own round', async () => {
		const laned = createBatchWriter(handle.db, { windowMs: 5, maxBatch: 50, concurrency: 4 });
		// One after the other: each round comes with its own questionnaire (openRound).
		const targets = [{ roundId, answer: increments(1) }];
		for (let i = 0; i < 11; i++) targets.push({ roundId: await openRound(), answer: increments(1) });
		const roundIds = targets.map((t) => t.roundId);
		const submissions = await Promise.all(
			Array.from({ length: 300 }, async (_, i) => {
				const target = targets[i % targets.length]!;
				return { roundId: target.roundId, ballotHash: hashToken((await ballotsModule.issue(handle.db, target.roundId))!), increments: target.answer };
			})
		);
		const outcomes = await Promise.all(submissions.map((submission) => laned.submit(submission)));
		await laned.close();
		expect(outcomes.every((o) => o === 'counted')).toBe(true);
		const tallies = await handle.db.select({ roundId: roundTallies.roundId, n: roundTallies.n }).from(roundTallies);
		expect(tallies.filter((t) => roundIds.includes(t.roundId)).map((t) => t.n)).toEqual(roundIds.map(() => 25));
	});

	it('S3: a ballot replayed 10 times in parallel counts once', async () => {
		const ballotHash = await ballot();
		const outcomes = await Promise.all(Array.from({ length: 10 }, () => writer.submit({ roundId, ballotHash, increments: increments(3) })));
		expect(outcomes.filter((o) => o === 'counted')).toHaveLength(1);
		expect(outcomes.filter((o) => o === 'ballot_used')).toHaveLength(9);
		expect((await counts()).n).toBe(1);
	});

	it('S3: an unknown ballot is refused and changes no counter', async () => {
		expect(await writer.submit({ roundId, ballotHash: hashToken('made up'), increments: increments(2) })).toBe('ballot_used');
		expect(await counts()).toEqual({ rows: [], n: 0 });
	});

	it('S3: closing a round deletes its ballots, and a submission to it is refused without counting', async () => {
		const ballotHash = await ballot();
		await rounds.close(handle.db, roundId);
		expect(await handle.db.select().from(ballots)).toEqual([]);
		expect(await writer.submit({ roundId, ballotHash, increments: increments(4) })).toBe('closed');
		expect(await counts()).toEqual({ rows: [], n: 0 });
	});

	it('S3: a round past its auto-close time refuses submissions', async () => {
		roundId = await openRound({ closesAt: new Date(Date.now() + 60_000) });
		const ballotHash = await ballot();
		await handle.db.execute(sql`update rounds set closes_at = now() - interval '1 second' where id = ${roundId}`);
		expect(await writer.submit({ roundId, ballotHash, increments: increments(4) })).toBe('closed');
		expect((await counts()).n).toBe(0);
	});

	it('S3: the cap at group size is exact under concurrency', async () => {
		roundId = await openRound({ cap: 25 });
		const hashes = await Promise.all(Array.from({ length: 40 }, ballot));
		const outcomes = await Promise.all(hashes.map((ballotHash) => writer.submit({ roundId, ballotHash, increments: increments(5) })));
		expect(outcomes.filter((o) => o === 'counted')).toHaveLength(25);
		expect(outcomes.filter((o) => o === 'full')).toHaveLength(15);
		const { rows, n } = await finalCounts();
		expect(n).toBe(25);
		expect(rows.find((r) => r.questionId === questionIds[0])!.n).toBe(25);
	});

	it('S6: a failed batch counts nothing, and a retry with the same ballots counts each once', async () => {
		const hashes = await Promise.all(Array.from({ length: 6 }, ballot));
		// A question that does not exist violates a foreign key: the whole transaction fails. Every
		// submission carries it, so whichever of them are written rather than held trip it.
		const unknownQuestion = { questionId: '00000000-0000-4000-8000-000000000000', choice: '1' };
		const poisoned = hashes.map((ballotHash) => ({ roundId, ballotHash, increments: [...increments(1), unknownQuestion] }));
		await expect(applyBatch(handle.db, poisoned)).rejects.toThrow();
		expect(await counts()).toEqual({ rows: [], n: 0 });
		const batch = hashes.map((ballotHash) => ({ roundId, ballotHash, increments: increments(1) }));
		expect(await applyBatch(handle.db, batch)).toEqual(Array(6).fill('counted'));
		expect(await applyBatch(handle.db, batch)).toEqual(Array(6).fill('ballot_used'));
		expect((await finalCounts()).n).toBe(6);
	});

	it('S6: one batch mixing every outcome counts exactly the answers of its counted submissions', async () => {
		roundId = await openRound({ cap: 2 });
		const capped = roundId;
		const [a, b, c] = [await ballot(), await ballot(), await ballot()];
		const closedRound = await openRound();
		roundId = closedRound;
		const late = await ballot();
		await rounds.close(handle.db, closedRound);
		const outcomes = await applyBatch(handle.db, [
			{ roundId: capped, ballotHash: a, increments: increments(1) },
			{ roundId: capped, ballotHash: a, increments: increments(2) },
			{ roundId: closedRound, ballotHash: late, increments: increments(3) },
			{ roundId: capped, ballotHash: hashToken('never issued'), increments: increments(4) },
			{ roundId: capped, ballotHash: b, increments: increments(5) },
			{ roundId: capped, ballotHash: c, increments: increments(3) }
		]);
		expect(outcomes).toEqual(['counted', 'ballot_used', 'closed', 'ballot_used', 'counted', 'full']);
		roundId = capped;
		const { rows, n } = await finalCounts();
		expect(n).toBe(2);
		expect(rows.filter((r) => r.questionId === questionIds[0]).map((r) => [r.choice, r.n]).sort()).toEqual([['1', 1], ['5', 1]]);
		// The full one's ballot is used up too: it was not left for a later submission.
		expect(await handle.db.select().from(ballots).where(eq(ballots.tokenHash, c))).toEqual([]);
	});

	it('S2: stores counters, not submissions: rows grow with distinct answers, not with students', async () => {
		const hashes = await Promise.all(Array.from({ length: 60 }, ballot));
		await Promise.all(hashes.map((ballotHash) => writer.submit({ roundId, ballotHash, increments: increments(2) })));
		const { rows, n } = await finalCounts();
		expect(n).toBe(60);
		// Two questions, one value each: two counter rows for sixty students.
		expect(rows).toHaveLength(2);
	});

	it('reads the ballots of a batch by their key, never the whole table (drizzle/0008: its dead rows made each batch read it twice)', async () => {
		// A school's morning: thousands of ballots issued, most of them consumed since.
		await handle.db.execute(sql`insert into ballots (token_hash, round_id) select md5(i::text), ${roundId}::uuid from generate_series(1, 5000) as i`);
		await handle.db.execute(sql`analyze ballots`);
		const hashes = await Promise.all(Array.from({ length: 20 }, ballot));
		const submissions = JSON.stringify(hashes.map((h) => ({ h, r: roundId, c: true })));
		const sums = JSON.stringify({ r: [roundId], q: [questionIds[0]], c: [[0, 0, '3', 20]] });
		const pools = JSON.stringify([{ r: roundId, o: null, n: null, m: 0 }]);
		// The table's scan counters as this session sees them, before it commits (PGlite may still
		// hold counts of earlier statements there: hence before and after).
		const ballotScans = async (tx: Pick<typeof handle.db, 'execute'>) => {
			const [row] = await rowsOf<{ seq: number; idx: number }>(tx, sql`select seq_scan::integer as seq, idx_scan::integer as idx from pg_stat_xact_user_tables where relname = 'ballots'`);
			return row ?? { seq: 0, idx: 0 };
		};
		const [before, after] = await handle.db.transaction(async (tx) => {
			const scansBefore = await ballotScans(tx);
			const [applied] = await rowsOf<{ result: { o: string[] } }>(tx, sql`select apply_answer_batch(${submissions}::json, ${sums}::json, ${pools}::json) as result`);
			expect(applied!.result.o).toEqual(hashes.map(() => 'counted'));
			return [scansBefore, await ballotScans(tx)];
		});
		expect(after!.seq - before!.seq).toBe(0);
		expect(after!.idx - before!.idx).toBeGreaterThanOrEqual(20);
		expect((await counts()).n).toBe(20);
	});
});
