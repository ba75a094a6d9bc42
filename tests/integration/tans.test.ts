import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOIN_CODE_ALPHABET } from '../../src/lib/join-code';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { tans } from '../../src/lib/server/db/schema';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { generateTans } from '../../src/lib/server/rounds/manage';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

describe.each(engines)('printed one-time codes (TANs) on %s', (engine) => {
	let handle: TestDatabase;
	let openRound: (tanOnly: boolean) => Promise<string>;

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		const school = await createSchool(handle.db);
		const group = await createGroup(handle.db, school.id);
		const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }]);
		openRound = async (tanOnly) => (await rounds.open(handle.db, { groupId: group.id, versionId: version.versionId, openedBy: null, tanOnly })).id;
	});
	afterEach(async () => {
		await handle.destroy();
	});

	async function codesFor(roundId: string, count: number): Promise<string[]> {
		const result = await generateTans(handle.db, roundId, count);
		if (!result.ok) throw new Error(result.refusal);
		return result.codes;
	}

	it('S3: returns distinct 10-character codes and stores only their hashes', async () => {
		const roundId = await openRound(true);
		const codes = await codesFor(roundId, 60);
		expect(new Set(codes).size).toBe(60);
		for (const code of codes) expect(code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{10}$`));
		const rows = await handle.db.select().from(tans).where(eq(tans.roundId, roundId));
		expect(rows.map((r) => r.codeHash).sort()).toEqual(codes.map(hashToken).sort());
		const stored = JSON.stringify(rows);
		for (const code of codes) expect(stored).not.toContain(code);
	});

	it('S3: each code is exchanged for a ballot exactly once, however it is typed', async () => {
		const roundId = await openRound(true);
		const codes = await codesFor(roundId, 5);
		const [first, ...rest] = codes;
		const typed = `${first!.slice(0, 5).toLowerCase()} - ${first!.slice(5)}`;
		const exchanged = await ballots.exchangeTan(handle.db, typed);
		expect(exchanged?.roundId).toBe(roundId);
		expect(ballots.roundOfToken(exchanged!.token)).toBe(roundId);
		expect(await ballots.exchangeTan(handle.db, first!)).toBeNull();
		const again = await Promise.all(rest.flatMap((code) => [ballots.exchangeTan(handle.db, code), ballots.exchangeTan(handle.db, code)]));
		expect(again.filter((e) => e !== null)).toHaveLength(rest.length);
		expect(await handle.db.select().from(tans)).toEqual([]);
	});

	it('refuses codes for a round that is not TAN-only, closed or unknown, and counts outside 1..60', async () => {
		const plain = await openRound(false);
		expect(await generateTans(handle.db, plain, 5)).toEqual({ ok: false, refusal: 'not_tan_only' });
		const closed = await openRound(true);
		await rounds.close(handle.db, closed);
		expect(await generateTans(handle.db, closed, 5)).toEqual({ ok: false, refusal: 'closed' });
		expect(await generateTans(handle.db, '00000000-0000-4000-8000-000000000000', 5)).toEqual({ ok: false, refusal: 'not_found' });
		expect(await generateTans(handle.db, 'not-an-id', 5)).toEqual({ ok: false, refusal: 'not_found' });
		const open = await openRound(true);
		for (const count of [0, 61, 2.5]) await expect(generateTans(handle.db, open, count)).rejects.toThrow(RangeError);
		expect(await handle.db.select().from(tans)).toEqual([]);
	});

	it('S3: closing the round deletes its unused codes, and they no longer let anyone in', async () => {
		const roundId = await openRound(true);
		const other = await openRound(true);
		const codes = await codesFor(roundId, 10);
		const otherCodes = await codesFor(other, 3);
		await rounds.close(handle.db, roundId);
		expect(await handle.db.select().from(tans).where(eq(tans.roundId, roundId))).toEqual([]);
		expect(await ballots.exchangeTan(handle.db, codes[0]!)).toBeNull();
		expect((await ballots.exchangeTan(handle.db, otherCodes[0]!))?.roundId).toBe(other);
	});
});
