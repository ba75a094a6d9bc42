import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { ballots as ballotRows, roundTallies, rounds as roundRows } from '../../src/lib/server/db/schema';
import * as ballots from '../../src/lib/server/rounds/ballots';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

describe.each(engines)('issuing ballots in batches on %s', (engine) => {
	let handle: TestDatabase;
	let openRound: () => Promise<string>;

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		const school = await createSchool(handle.db);
		const group = await createGroup(handle.db, school.id);
		const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }]);
		openRound = async () => (await rounds.open(handle.db, { groupId: group.id, versionId: version.versionId, openedBy: null })).id;
	});
	afterEach(() => handle.destroy());

	const stored = (roundId: string) => handle.db.select({ tokenHash: ballotRows.tokenHash }).from(ballotRows).where(eq(ballotRows.roundId, roundId));

	it('S3: issues one stored ballot per entry of an open round, and none for a closed, overdue, full or unknown one', async () => {
		const [open, closed, overdue, full] = [await openRound(), await openRound(), await openRound(), await openRound()];
		await rounds.close(handle.db, closed);
		await handle.db.update(roundRows).set({ closesAt: sql`now() - interval '1 minute'` }).where(eq(roundRows.id, overdue));
		await handle.db.update(roundRows).set({ cap: 3 }).where(eq(roundRows.id, full));
		await handle.db.update(roundTallies).set({ n: 3 }).where(eq(roundTallies.roundId, full));
		const unknown = '00000000-0000-4000-8000-000000000000';

		const issued = await ballots.issueMany(handle.db, [open, closed, open, overdue, full, unknown]);

		expect(issued.map((token) => token !== null)).toEqual([true, false, true, false, false, false]);
		expect(issued[0]).not.toBe(issued[2]);
		expect(issued.filter(Boolean).map((token) => ballots.roundOfToken(token!))).toEqual([open, open]);
		// Only the hashes are kept, one row per ballot.
		expect((await stored(open)).map((row) => row.tokenHash).sort()).toEqual([hashToken(issued[0]!), hashToken(issued[2]!)].sort());
		expect(await handle.db.select().from(ballotRows).where(eq(ballotRows.roundId, closed))).toEqual([]);
	});

	it('S3: no ballot outlives its round when joins and the close race', async () => {
		const roundId = await openRound();
		const joins = Array.from({ length: 20 }, () => ballots.issueMany(handle.db, Array.from({ length: 10 }, () => roundId)));
		const closing = rounds.close(handle.db, roundId);
		const late = Array.from({ length: 20 }, () => ballots.issueMany(handle.db, [roundId]));
		await Promise.all([...joins, closing, ...late]);

		expect(await stored(roundId)).toEqual([]);
		expect((await ballots.issueMany(handle.db, [roundId]))[0]).toBeNull();
	});
});
