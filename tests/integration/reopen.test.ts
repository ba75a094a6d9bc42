import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rounds as roundsTable } from '../../src/lib/server/db/schema';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/** Reopening a round closed too early (issue 16): only while no result of it can have been seen. */
describe.each(engines)('reopening a round on %s', (engine) => {
	let handle: TestDatabase;
	let start: (options?: { liveResults?: boolean; closesAt?: Date }) => Promise<{ id: string; joinCode: string }>;

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		const school = await createSchool(handle.db);
		const group = await createGroup(handle.db, school.id);
		const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }]);
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
});
