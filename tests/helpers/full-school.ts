import { eq, sql } from 'drizzle-orm';
import { tablesInLoadOrder } from '../../src/lib/server/backup/catalog';
import * as invitations from '../../src/lib/server/auth/invitations';
import * as passwordResets from '../../src/lib/server/auth/password-resets';
import { createSession } from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db/client';
import { rowsOf } from '../../src/lib/server/db/rows';
import { memberships, passkeyChallenges, passkeys, questions, rounds as roundRows, ssoAttempts, staffIdentities, users } from '../../src/lib/server/db/schema';
import * as providers from '../../src/lib/server/sso/providers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import * as manage from '../../src/lib/server/rounds/manage';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { seedDemo } from '../../src/cli/demo';
import { expect } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { toIncrements, type Increment } from '../../src/lib/server/rounds/answers';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';

/**
 * The demo school (staff of every role, a year of closed rounds with counters, an open round),
 * plus what the demo leaves out, so that every table holds rows: a session, an invitation, a
 * reset link, a ballot, printed codes of an open TAN round, single sign-on and passkey rows. A test of every table fails
 * when a new table is not filled here.
 */
export async function fillEveryTable(db: Database): Promise<void> {
	const demo = await seedDemo(db, { now: new Date('2026-11-20T10:00:00Z') });
	const [leader] = await db.select({ id: users.id, schoolId: memberships.schoolId }).from(users).innerJoin(memberships, eq(memberships.userId, users.id)).where(eq(memberships.role, 'school_leader'));
	await createSession(db, leader!.id, { absoluteMs: 3_600_000, idleMs: 1_800_000 }, true);
	await invitations.create(db, { email: 'nieuw@demo.lesspiegel.invalid', schoolId: leader!.schoolId, role: 'teacher', inviterId: leader!.id, origin: 'https://lesspiegel.test' });
	await passwordResets.create(db, leader!.id, 'https://lesspiegel.test');
	const open = await rounds.findByCode(db, demo.openRound.joinCode);
	await ballots.issue(db, open!.id);
	const [anyRound] = await db.select({ groupId: roundRows.groupId, versionId: roundRows.versionId }).from(roundRows).limit(1);
	const tanRound = await rounds.open(db, { groupId: anyRound!.groupId, versionId: anyRound!.versionId, openedBy: leader!.id, tanOnly: true });
	await manage.generateTans(db, tanRound.id, 5);
	// An open round with live results and k written answers has a published snapshot; two more
	// wait sealed in its pool (S6).
	const live = await rounds.open(db, { groupId: anyRound!.groupId, versionId: anyRound!.versionId, openedBy: leader!.id, liveResults: true });
	const [question] = await db.select({ id: questions.id, type: questions.type, options: questions.options }).from(questions).where(eq(questions.versionId, anyRound!.versionId)).orderBy(questions.position).limit(1);
	const submissions = await Promise.all(
		Array.from({ length: 7 }, async (_, i) => ({
			roundId: live.id,
			ballotHash: hashToken((await ballots.issue(db, live.id))!),
			increments: toIncrements([question!], { [question!.id]: (i % 5) + 1 }) as Increment[]
		}))
	);
	expect(await applyBatch(db, submissions)).toEqual(submissions.map(() => 'counted'));
	// Single sign-on and passkeys: a provider, a linked account, a sign-in and a passkey challenge under way.
	const providerId = await providers.add(db, leader!.schoolId, { name: 'Microsoft', issuer: 'https://login.example.test/v2.0', clientId: 'lesspiegel', clientSecret: '', allowedDomains: ['demo.lesspiegel.invalid'] }, leader!.id, null);
	await db.insert(staffIdentities).values({ providerId, subject: 'subject-of-the-leader', userId: leader!.id });
	const soon = new Date(Date.now() + 600_000);
	await db.insert(ssoAttempts).values({ tokenHash: hashToken('sso'), providerId, state: 'state', nonce: 'nonce', codeVerifier: 'verifier', next: '/dashboard', expiresAt: soon });
	await db.insert(passkeys).values({ id: 'credential-id', userId: leader!.id, publicKey: 'public-key', counter: 0, transports: ['internal'] });
	await db.insert(passkeyChallenges).values({ tokenHash: hashToken('passkey'), challenge: 'challenge', expiresAt: soon });
}

/** Every row of every table, as row_to_json text sorted per table: equal snapshots are equal databases. */
export async function snapshotTables(db: Database): Promise<Record<string, string[]>> {
	const snapshot: Record<string, string[]> = {};
	for (const table of await tablesInLoadOrder(db)) {
		const rows = await rowsOf<{ r: string }>(db, sql`select row_to_json(t)::text as r from ${sql.identifier(table)} t`);
		snapshot[table] = rows.map((row) => row.r).sort();
	}
	return snapshot;
}
