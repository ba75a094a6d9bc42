import { desc, eq, sql } from 'drizzle-orm';
import { JOIN_CODE_ALPHABET } from '../../join-code';
import { hashToken } from '../auth/tokens';
import type { Database } from '../db/client';
import { groups, questionnaireVersions, roundTallies, rounds, schools, tans } from '../db/schema';
import { isId, teacherIds } from '../org/groups';
import { isReopenable } from './rounds';

/** The staff side of rounds: lists, the projector's facts, printed one-time codes (TANs). */

const isOpen = sql<boolean>`${rounds.closedAt} is null and (${rounds.closesAt} is null or ${rounds.closesAt} > now())`;

const staffFacts = {
	id: rounds.id,
	joinCode: rounds.joinCode,
	openedAt: rounds.openedAt,
	closesAt: rounds.closesAt,
	closedAt: rounds.closedAt,
	open: isOpen,
	titleNl: questionnaireVersions.titleNl,
	titleEn: questionnaireVersions.titleEn,
	n: roundTallies.n,
	cap: rounds.cap,
	tanOnly: rounds.tanOnly,
	liveResults: rounds.liveResults
};

/** A group's rounds, newest first. Callers check that the actor may see the group. */
export function roundsOfGroup(db: Database, groupId: string) {
	return db
		.select(staffFacts)
		.from(rounds)
		.innerJoin(questionnaireVersions, eq(questionnaireVersions.id, rounds.versionId))
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.where(eq(rounds.groupId, groupId))
		.orderBy(desc(rounds.openedAt));
}

/** A round with its group, school and the group's teachers (for the policy check), or null. */
export async function roundForStaff(db: Database, roundId: string) {
	if (!isId(roundId)) return null;
	const [round] = await db
		.select({
			...staffFacts,
			groupId: groups.id,
			groupName: groups.name,
			groupSize: groups.size,
			schoolId: schools.id,
			schoolName: schools.name,
			reopenable: isReopenable,
			unusedTans: sql<number>`(select count(*)::int from ${tans} where ${tans.roundId} = ${rounds.id})`
		})
		.from(rounds)
		.innerJoin(questionnaireVersions, eq(questionnaireVersions.id, rounds.versionId))
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.innerJoin(schools, eq(schools.id, groups.schoolId))
		.where(eq(rounds.id, roundId));
	return round ? { ...round, teacherIds: await teacherIds(db, round.groupId) } : null;
}

/** The answered count of a round, or null when there is no such round. */
export async function answeredCount(db: Database, roundId: string): Promise<{ n: number; open: boolean } | null> {
	if (!isId(roundId)) return null;
	const [row] = await db
		.select({ n: roundTallies.n, open: isOpen })
		.from(rounds)
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.where(eq(rounds.id, roundId));
	return row ?? null;
}

export const TAN_LENGTH = 10;
export const MAX_TANS = 60;

/** 10 characters from the join-code alphabet: about 50 bits, typed from paper without look-alikes. */
function newTan(): string {
	const limit = 256 - (256 % JOIN_CODE_ALPHABET.length);
	let code = '';
	while (code.length < TAN_LENGTH) {
		const bytes = new Uint8Array(16);
		crypto.getRandomValues(bytes);
		for (const byte of bytes) {
			if (byte < limit && code.length < TAN_LENGTH) code += JOIN_CODE_ALPHABET[byte % JOIN_CODE_ALPHABET.length];
		}
	}
	return code;
}

export type TanRefusal = 'not_found' | 'not_tan_only' | 'closed';

/**
 * Makes `count` (1..60) one-time codes for an open TAN-only round and returns them: this is
 * the only time they exist in plain text, the database keeps their hashes (S3). The round's
 * row is locked so a close running at the same time cannot leave codes behind it.
 */
export async function generateTans(db: Database, roundId: string, count: number): Promise<{ ok: true; codes: string[] } | { ok: false; refusal: TanRefusal }> {
	if (!Number.isInteger(count) || count < 1 || count > MAX_TANS) throw new RangeError(`TAN count must be 1..${MAX_TANS}`);
	if (!isId(roundId)) return { ok: false, refusal: 'not_found' };
	return db.transaction(async (tx) => {
		const [round] = await tx.select({ tanOnly: rounds.tanOnly, open: isOpen }).from(rounds).where(eq(rounds.id, roundId)).for('update');
		if (!round) return { ok: false as const, refusal: 'not_found' as const };
		if (!round.tanOnly) return { ok: false as const, refusal: 'not_tan_only' as const };
		if (!round.open) return { ok: false as const, refusal: 'closed' as const };
		const codes: string[] = [];
		// A repeated code (about one in 10^14 per pair) is simply drawn again.
		while (codes.length < count) {
			const drawn = Array.from({ length: count - codes.length }, newTan);
			const stored = await tx
				.insert(tans)
				.values(drawn.map((code) => ({ codeHash: hashToken(code), roundId })))
				.onConflictDoNothing()
				.returning({ codeHash: tans.codeHash });
			const kept = new Set(stored.map((r) => r.codeHash));
			codes.push(...drawn.filter((code) => kept.delete(hashToken(code))));
		}
		return { ok: true as const, codes };
	});
}
