import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { answerCounts, heldAnswers, roundTallies } from '../../src/lib/server/db/schema';
import { toIncrements, type Increment } from '../../src/lib/server/rounds/answers';
import { openPool } from '../../src/lib/server/rounds/answer-pool';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/**
 * PRIVACY.md S6 at low traffic, on both engines: counters grow only by sums of two or more
 * submissions; the others wait sealed in the round's pool and are written at close. (The WAL of a
 * real PostgreSQL is read in s6-low-traffic-wal.test.ts.)
 */
describe.each(engines)('S6 answer pools on %s', (engine) => {
	let handle: TestDatabase;
	let roundId: string;
	let questionIds: string[];
	let answer: (value: number) => Increment[];

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		const school = await createSchool(handle.db);
		const group = await createGroup(handle.db, school.id);
		const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }, { type: 'rating10' }]);
		questionIds = version.questions.map((q) => q.id);
		answer = (value) => toIncrements(version.questions, { [questionIds[0]!]: value, [questionIds[1]!]: value }) as Increment[];
		roundId = (await rounds.open(handle.db, { groupId: group.id, versionId: version.versionId, openedBy: null })).id;
	});
	afterEach(() => handle.destroy());

	async function submitAlone(value: number) {
		const ballotHash = hashToken((await ballots.issue(handle.db, roundId))!);
		expect(await applyBatch(handle.db, [{ roundId, ballotHash, increments: answer(value) }])).toEqual(['counted']);
	}

	/** How many submissions the counters hold (each answered the first question once), the tally, and the pool. */
	async function state() {
		const rows = await handle.db.select().from(answerCounts).where(eq(answerCounts.roundId, roundId));
		const [tally] = await handle.db.select({ n: roundTallies.n }).from(roundTallies).where(eq(roundTallies.roundId, roundId));
		const [pool] = await handle.db.select().from(heldAnswers).where(eq(heldAnswers.roundId, roundId));
		const written = rows.filter((r) => r.questionId === questionIds[0]).reduce((sum, r) => sum + r.n, 0);
		return { written, n: tally!.n, held: pool?.members ?? 0, sealed: pool?.sealed ?? null };
	}

	it('S6: submissions one at a time are never written alone; the close writes the held ones; every one is counted once', async () => {
		const seen: Array<{ written: number; n: number; held: number }> = [];
		let previous = 0;
		for (const value of [1, 2, 3, 4, 5, 1, 2, 3, 4]) {
			await submitAlone(value);
			const { written, n, held } = await state();
			seen.push({ written, n, held });
			expect(written - previous === 0 || written - previous >= 2, `a write of ${written - previous}`).toBe(true);
			expect(written + held).toBe(n);
			previous = written;
		}
		// Nothing is written until four are there; from then on a reserve of two stays held.
		expect(seen.slice(0, 3)).toEqual([
			{ written: 0, n: 1, held: 1 },
			{ written: 0, n: 2, held: 2 },
			{ written: 0, n: 3, held: 3 }
		]);
		expect(seen.slice(3).every(({ held }) => held === 2 || held === 3)).toBe(true);

		await rounds.close(handle.db, roundId);
		const after = await state();
		expect(after).toMatchObject({ written: 9, n: 9, held: 0, sealed: null });
		const rows = await handle.db.select().from(answerCounts).where(eq(answerCounts.roundId, roundId));
		const first = rows.filter((r) => r.questionId === questionIds[0]).map((r) => [r.choice, r.n]);
		expect(first.sort()).toEqual([['1', 2], ['2', 2], ['3', 2], ['4', 2], ['5', 1]]);
	});

	it('S6: the pool in the database is sealed: no question id or answer in it, and it opens only with the key', async () => {
		await submitAlone(4);
		await submitAlone(5);
		const { sealed, held } = await state();
		expect(held).toBe(2);
		expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
		for (const id of questionIds) expect(sealed).not.toContain(id);
		expect(JSON.stringify(await handle.db.select().from(heldAnswers))).not.toMatch(/"choice"|questionId/);
		// The server's key opens it: the two submissions, in an order that says nothing.
		const members = openPool(sealed!);
		expect(members.map((m) => m.find((i) => i.questionId === questionIds[0])!.choice).sort()).toEqual(['4', '5']);
		const tampered = sealed!.slice(0, -2) + (sealed!.endsWith('AA') ? 'BB' : 'AA');
		expect(() => openPool(tampered)).toThrow(/ANSWER_POOL_KEY/);
	});

	it('S6: a round answered by one phone only keeps that answer sealed when it closes', async () => {
		await submitAlone(3);
		await rounds.close(handle.db, roundId);
		expect(await state()).toMatchObject({ written: 0, n: 1, held: 1 });
	});

	it('S6: a batch applied on a pool this process did not know (another instance, a rollback) is planned again, nothing lost', async () => {
		await submitAlone(1);
		// A batch that commits nothing: this process now believes in a pool the database never got.
		const ballotHash = hashToken((await ballots.issue(handle.db, roundId))!);
		await expect(
			handle.db.transaction(async (tx) => {
				expect(await applyBatch(tx, [{ roundId, ballotHash, increments: answer(2) }])).toEqual(['counted']);
				tx.rollback();
			})
		).rejects.toThrow();
		expect(await state()).toMatchObject({ written: 0, n: 1, held: 1 });
		expect(await applyBatch(handle.db, [{ roundId, ballotHash, increments: answer(2) }])).toEqual(['counted']);
		for (const value of [3, 4, 5]) await submitAlone(value);
		await rounds.close(handle.db, roundId);
		expect(await state()).toMatchObject({ written: 5, n: 5, held: 0 });
	});
});
