import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import { groups, groupTeachers, invitations, memberships, passkeyChallenges, passwordResets, schools, securityLog, sessions, ssoAttempts, users } from '../../src/lib/server/db/schema';
import * as providers from '../../src/lib/server/sso/providers';
import { runRetention, type RetentionSettings } from '../../src/lib/server/retention';
import { createGroup, createSchool, createStaff } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const settings: RetentionSettings = {
	SECURITY_LOG_RETENTION_DAYS: 180,
	DEACTIVATED_ACCOUNT_RETENTION_DAYS: 365,
	SESSION_ABSOLUTE_HOURS: 12,
	SESSION_IDLE_MINUTES: 30
};
const now = new Date('2026-11-23T03:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const none = { securityLogEntries: 0, deactivatedAccounts: 0, sessions: 0, invitations: 0, passwordResets: 0, signInCeremonies: 0 };

describe.each(engines)('retention on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('removes security-log entries past the period and keeps recent ones', async () => {
		const db = handle.db;
		const user = await createStaff(db);
		await db.insert(securityLog).values([
			{ event: 'login_success', userId: user.id, ip: '192.0.2.1', at: daysAgo(181) },
			{ event: 'login_failure', userId: null, ip: '192.0.2.2', at: daysAgo(200) },
			{ event: 'logout', userId: user.id, ip: '192.0.2.1', at: daysAgo(179) }
		]);
		expect(await runRetention(db, settings, now)).toEqual({ ...none, securityLogEntries: 2 });
		expect(await db.select({ event: securityLog.event }).from(securityLog)).toEqual([{ event: 'logout' }]);
	});

	it('deletes accounts deactivated past the period with their links, keeping school, groups and others', async () => {
		const db = handle.db;
		const school = await createSchool(db);
		const gone = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
		const recent = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
		const active = await createStaff(db, { roles: [{ schoolId: school.id, role: 'school_leader' }] });
		await db.update(users).set({ deactivatedAt: daysAgo(366) }).where(eq(users.id, gone.id));
		await db.update(users).set({ deactivatedAt: daysAgo(300) }).where(eq(users.id, recent.id));
		const group = await createGroup(db, school.id, { teacherIds: [gone.id, recent.id] });
		await db.insert(securityLog).values([
			{ event: 'account_deactivated', userId: gone.id, actorId: active.id, at: daysAgo(10) },
			{ event: 'role_change', userId: active.id, actorId: gone.id, at: daysAgo(10) }
		]);

		expect(await runRetention(db, settings, now)).toEqual({ ...none, deactivatedAccounts: 1 });
		const left = await db.select({ id: users.id }).from(users);
		expect(left.map((u) => u.id).sort()).toEqual([recent.id, active.id].sort());
		expect(await db.select().from(memberships).where(eq(memberships.userId, gone.id))).toEqual([]);
		expect(await db.select().from(memberships)).toHaveLength(2);
		expect(await db.select({ id: schools.id }).from(schools)).toEqual([{ id: school.id }]);
		expect(await db.select({ id: groups.id }).from(groups)).toEqual([{ id: group.id }]);
		expect(await db.select({ userId: groupTeachers.userId }).from(groupTeachers)).toEqual([{ userId: recent.id }]);
		// Entries about the person go; where they acted on someone else, the link to them goes.
		expect(await db.select({ userId: securityLog.userId, actorId: securityLog.actorId }).from(securityLog)).toEqual([
			{ userId: active.id, actorId: null }
		]);
	});

	it('removes expired sessions, invitations, reset links and sign-ins under way, and nothing twice', async () => {
		const db = handle.db;
		const school = await createSchool(db);
		const user = await createStaff(db);
		const limits = { absoluteMs: 12 * 3_600_000, idleMs: 30 * 60_000 };
		await createSession(db, user.id, limits, true, new Date(now.getTime() - 13 * 3_600_000)); // past the absolute limit
		await createSession(db, user.id, limits, true, new Date(now.getTime() - 3_600_000)); // idle for an hour
		const live = await createSession(db, user.id, limits, true, new Date(now.getTime() - 60_000));
		const later = new Date(now.getTime() + 3_600_000);
		const earlier = new Date(now.getTime() - 1000);
		await db.insert(invitations).values([
			{ tokenHash: 'i1', email: 'a@school.test', schoolId: school.id, role: 'teacher', expiresAt: earlier },
			{ tokenHash: 'i2', email: 'b@school.test', schoolId: school.id, role: 'teacher', expiresAt: later }
		]);
		await db.insert(passwordResets).values([
			{ tokenHash: 'r1', userId: user.id, expiresAt: earlier },
			{ tokenHash: 'r2', userId: user.id, expiresAt: later }
		]);

		const admin = await createStaff(db, { roles: [{ schoolId: school.id, role: 'admin' }] });
		const providerId = await providers.add(db, school.id, { name: 'IdP', issuer: 'https://idp.school.test', clientId: 'c', clientSecret: '', allowedDomains: ['school.test'] }, admin.id, null);
		const attempt = { providerId, state: 's', nonce: 'n', codeVerifier: 'v', next: '/dashboard' };
		await db.insert(ssoAttempts).values([
			{ tokenHash: 'a1', ...attempt, expiresAt: earlier },
			{ tokenHash: 'a2', ...attempt, expiresAt: later }
		]);
		await db.insert(passkeyChallenges).values([
			{ tokenHash: 'c1', challenge: 'x', expiresAt: earlier },
			{ tokenHash: 'c2', challenge: 'y', expiresAt: later }
		]);

		expect(await runRetention(db, settings, now)).toEqual({ ...none, sessions: 2, invitations: 1, passwordResets: 1, signInCeremonies: 2 });
		expect(await db.select({ tokenHash: ssoAttempts.tokenHash }).from(ssoAttempts)).toEqual([{ tokenHash: 'a2' }]);
		expect(await db.select({ tokenHash: passkeyChallenges.tokenHash }).from(passkeyChallenges)).toEqual([{ tokenHash: 'c2' }]);
		expect(await db.select({ id: sessions.id }).from(sessions)).toEqual([{ id: live.session.id }]);
		expect(await db.select({ tokenHash: invitations.tokenHash }).from(invitations)).toEqual([{ tokenHash: 'i2' }]);
		expect(await db.select({ tokenHash: passwordResets.tokenHash }).from(passwordResets)).toEqual([{ tokenHash: 'r2' }]);
		// Idempotent: a second run (another instance, the command line) finds nothing to do.
		expect(await runRetention(db, settings, now)).toEqual(none);
	});
});
