import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { toIncrements, type Increment } from '../../src/lib/server/rounds/answers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch, TALLY_CHANNEL, type Submission } from '../../src/lib/server/rounds/batch-writer';
import { startLive, stopLive, watch } from '../../src/lib/server/rounds/live';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/** Waits until `check` holds, or fails after `ms`. */
async function until(check: () => boolean, ms = 3000) {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe.each(engines)('live counts on %s', (engine) => {
	let handle: TestDatabase;
	let roundId: string;
	let increments: Increment[];

	async function submissions(count: number): Promise<Submission[]> {
		return Promise.all(
			Array.from({ length: count }, async () => ({ roundId, ballotHash: hashToken((await ballots.issue(handle.db, roundId))!), increments }))
		);
	}

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		const school = await createSchool(handle.db);
		const group = await createGroup(handle.db, school.id);
		const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }]);
		roundId = (await rounds.open(handle.db, { groupId: group.id, versionId: version.versionId, openedBy: null })).id;
		increments = toIncrements(version.questions, { [version.questions[0]!.id]: 4 }) as Increment[];
	});
	afterEach(async () => {
		await stopLive();
		await handle.destroy();
	});

	it('a listener receives the new tally once a batch commits', async () => {
		const payloads: string[] = [];
		const unlisten = await handle.listen(TALLY_CHANNEL, (p) => payloads.push(p));
		expect(await applyBatch(handle.db, await submissions(3))).toEqual(['counted', 'counted', 'counted']);
		await until(() => payloads.length === 1);
		expect(JSON.parse(payloads[0]!)).toEqual({ [roundId]: 3 });
		await unlisten();
		await applyBatch(handle.db, await submissions(1));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(payloads).toHaveLength(1);
	});

	it('a rolled-back batch notifies nothing', async () => {
		const payloads: string[] = [];
		await handle.listen(TALLY_CHANNEL, (p) => payloads.push(p));
		const rolledBack = await submissions(2);
		await expect(
			handle.db.transaction(async (tx) => {
				expect(await applyBatch(tx, rolledBack)).toEqual(['counted', 'counted']);
				tx.rollback();
			})
		).rejects.toThrow();
		// Notifications arrive in commit order: if the rolled-back batch had notified, its
		// payload would come before this one's.
		await applyBatch(handle.db, await submissions(1));
		await until(() => payloads.length >= 1);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(payloads.map((p) => JSON.parse(p))).toEqual([{ [roundId]: 1 }]);
	});

	it('the bus hands counts to the watchers of that round only, and ends them on stop', async () => {
		await startLive(handle);
		const seen: number[] = [];
		const others: number[] = [];
		let ended = false;
		watch(roundId, { count: (n) => seen.push(n), end: () => (ended = true) });
		const unwatchOther = watch('00000000-0000-4000-8000-000000000000', { count: (n) => others.push(n), end: () => {} });
		await applyBatch(handle.db, await submissions(2));
		await until(() => seen.length === 1);
		unwatchOther();
		await applyBatch(handle.db, await submissions(1));
		await until(() => seen.length === 2);
		expect(seen).toEqual([2, 3]);
		expect(others).toEqual([]);
		await stopLive();
		expect(ended).toBe(true);
	});
});
