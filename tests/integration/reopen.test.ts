import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { rounds as roundsTable } from '../../src/lib/server/db/schema';
import { roundResults } from '../../src/lib/server/reporting/round-results';
import { toIncrements, type Increment } from '../../src/lib/server/rounds/answers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/** Reopening a round closed too early (issue 16), and what its results may show afterwards (S4, S5). */
describe.each(engines)('reopening a round on %s', (engine) => {
	let handle: TestDatabase;
	let start: (options?: { liveResults?: boolean; closesAt?: Date }) => Promise<{ id: string; joinCode: string }>;
	let answer: (value: number) => Increment[];

	async function submit(roundId: string, values: number[]) {
		const batch = await Promise.all(values.map(async (value) => ({ roundId, ballotHash: hashToken((await ballots.issue(handle.db, roundId))!), increments: answer(value) })));
		expect(await applyBatch(handle.db, batch)).toEqual(batch.map(() => 'counted'));
	}
	const results = async (id: string) => {
		const r = (await roundResults(handle.db, id, 'en'))!;
		return { shown: r.shown, n: r.publishedN ?? r.n, distribution: r.questions[0]!.distribution.map((d) => d.n) };
	};

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		const school = await createSchool(handle.db);
		const group = await createGroup(handle.db, school.id);
		const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }]);
		answer = (value) => toIncrements(version.questions, { [version.questions[0]!.id]: value }) as Increment[];
		start = (options = {}) => rounds.open(handle.db, { groupId: group.id, versionId: version.versionId, openedBy: null, ...options });
	});
	afterEach(async () => {
		await handle.destroy();
	});

	const state = async (id: string) => (await handle.db.select().from(roundsTable).where(eq(roundsTable.id, id)))[0]!;

	it('closed by hand a moment ago: open again with the same code, its auto-close time cleared', async () => {
		const round = await start({ closesAt: new Date(Date.now() + 30 * 60_000) });
		await rounds.close(handle.db, round.id);
		expect(await rounds.reopen(handle.db, round.id)).toBe(true);
		const after = await state(round.id);
		expect(after.closedAt).toBeNull();
		expect(after.closesAt).toBeNull();
		expect(after.joinCode).toBe(round.joinCode);
		expect((await rounds.find(handle.db, round.id))!.open).toBe(true);
		// An open round is not reopened.
		expect(await rounds.reopen(handle.db, round.id)).toBe(false);
	});

	it(`refused after ${rounds.REOPEN_MINUTES} minutes`, async () => {
		const round = await start();
		await rounds.close(handle.db, round.id);
		await handle.db.update(roundsTable).set({ closedAt: sql`now() - interval '${sql.raw(String(rounds.REOPEN_MINUTES))} minutes 1 second'` }).where(eq(roundsTable.id, round.id));
		expect(await rounds.reopen(handle.db, round.id)).toBe(false);
		expect((await state(round.id)).closedAt).not.toBeNull();
	});

	it('refused when it closed by its own clock, or showed live results', async () => {
		const timed = await start({ closesAt: new Date(Date.now() - 1_000) });
		expect(await rounds.closeDue(handle.db)).toContain(timed.id);
		expect(await rounds.reopen(handle.db, timed.id)).toBe(false);
		const live = await start({ liveResults: true });
		await rounds.close(handle.db, live.id);
		expect(await rounds.reopen(handle.db, live.id)).toBe(false);
	});

	it('refused when another open round has taken its code meanwhile', async () => {
		const round = await start();
		await rounds.close(handle.db, round.id);
		const other = await start();
		await handle.db.update(roundsTable).set({ joinCode: round.joinCode }).where(eq(roundsTable.id, other.id));
		expect(await rounds.reopen(handle.db, round.id)).toBe(false);
	});

	it('S4: results seen at the first close stay its results when the reopened round adds fewer than k answers', async () => {
		const round = await start();
		await submit(round.id, [1, 2, 3, 4, 5, 5]);
		await rounds.close(handle.db, round.id);
		const seen = await results(round.id);
		expect(seen).toEqual({ shown: true, n: 6, distribution: [1, 1, 1, 1, 2] });
		expect(await rounds.reopen(handle.db, round.id)).toBe(true);
		// One more: its answer must not be the difference of two results a teacher can see.
		await submit(round.id, [1]);
		await rounds.close(handle.db, round.id);
		expect(await results(round.id)).toEqual(seen);
	});

	it('S4: with k or more new answers after the reopening, the final counts are its results', async () => {
		const round = await start();
		await submit(round.id, [1, 2, 3, 4, 5, 5]);
		await rounds.close(handle.db, round.id);
		expect(await rounds.reopen(handle.db, round.id)).toBe(true);
		await submit(round.id, [1, 1, 2, 2, 3, 3]);
		await rounds.close(handle.db, round.id);
		expect(await results(round.id)).toEqual({ shown: true, n: 12, distribution: [3, 3, 3, 1, 2] });
	});
});
