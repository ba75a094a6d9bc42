import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as invitations from '../../src/lib/server/auth/invitations';
import { login, type LoginLimiters } from '../../src/lib/server/auth/login';
import { RateLimiter } from '../../src/lib/server/auth/rate-limit';
import { invitations as invitationsTable, memberships, securityLog, users } from '../../src/lib/server/db/schema';
import { createSchool, createStaff, TEST_PASSWORD } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const ORIGIN = 'https://lesspiegel.test';
const NEW_PASSWORD = 'een nieuw en lang wachtwoord';
const tokenOf = (link: string) => link.slice(`${ORIGIN}/invite/`.length);
const limiters = (): LoginLimiters => ({ perIp: new RateLimiter(100, 60_000), perAccount: new RateLimiter(100, 60_000) });

describe.each(engines)('invitations on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	async function invite(email = 'New.Teacher@School.test', role: 'teacher' | 'admin' = 'teacher') {
		const school = await createSchool(handle.db, 'De Regenboog');
		const inviter = await createStaff(handle.db, { roles: [{ schoolId: school.id, role: 'admin' }] });
		const link = await invitations.create(handle.db, { email, schoolId: school.id, role, inviterId: inviter.id, origin: ORIGIN });
		return { school, inviter, link, token: tokenOf(link) };
	}

	it('creates the account with its membership on accept, and logs the event', async () => {
		const { school, link, token } = await invite();
		expect(link).toMatch(/^https:\/\/lesspiegel\.test\/invite\/[a-z2-7]{32}$/);
		expect(await invitations.find(handle.db, token)).toMatchObject({
			email: 'new.teacher@school.test',
			schoolName: 'De Regenboog',
			role: 'teacher',
			hasAccount: false
		});
		const result = await invitations.accept(handle.db, token, { password: NEW_PASSWORD, firstName: 'Anna', lastName: '' }, '192.0.2.1');
		expect(result).toMatchObject({ ok: true, newAccount: true });
		const userId = result.ok ? result.userId : '';
		const [user] = await handle.db.select().from(users).where(eq(users.id, userId));
		expect(user).toMatchObject({ email: 'new.teacher@school.test', firstName: 'Anna', lastName: null, deactivatedAt: null });
		expect(await handle.db.select().from(memberships).where(eq(memberships.userId, userId))).toEqual([
			{ userId, schoolId: school.id, role: 'teacher' }
		]);
		expect(await handle.db.select().from(securityLog).where(eq(securityLog.userId, userId))).toMatchObject([
			{ event: 'invitation_accepted', ip: '192.0.2.1' }
		]);
		expect(await login(handle.db, { email: 'new.teacher@school.test', password: NEW_PASSWORD, ip: null }, limiters())).toMatchObject({ ok: true, userId });
		expect(await handle.db.select().from(invitationsTable)).toEqual([]);
	});

	it('refuses a weak password and keeps the link usable', async () => {
		const { token } = await invite();
		expect(await invitations.accept(handle.db, token, { password: 'short' }, null)).toEqual({ ok: false, reason: 'too_short' });
		expect(await invitations.find(handle.db, token)).not.toBeNull();
	});

	it('works once: a second accept fails', async () => {
		const { token } = await invite();
		expect(await invitations.accept(handle.db, token, { password: NEW_PASSWORD }, null)).toMatchObject({ ok: true });
		expect(await invitations.accept(handle.db, token, { password: NEW_PASSWORD }, null)).toEqual({ ok: false, reason: 'invalid_link' });
		expect(await invitations.find(handle.db, token)).toBeNull();
	});

	it('works once when two accepts run at the same time', async () => {
		const { token } = await invite();
		const results = await Promise.all([
			invitations.accept(handle.db, token, { password: NEW_PASSWORD }, null),
			invitations.accept(handle.db, token, { password: 'another long password' }, null)
		]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(results.filter((r) => !r.ok)).toHaveLength(1);
		expect(await handle.db.select({ id: users.id }).from(users).where(eq(users.email, 'new.teacher@school.test'))).toHaveLength(1);
		expect(await handle.db.select().from(securityLog).where(eq(securityLog.event, 'invitation_accepted'))).toHaveLength(1);
	});

	it('refuses an expired link, and deleteExpired removes it', async () => {
		const { token } = await invite();
		const later = new Date(Date.now() + 73 * 3_600_000);
		expect(await invitations.find(handle.db, token, later)).toBeNull();
		expect(await invitations.accept(handle.db, token, { password: NEW_PASSWORD }, null, later)).toEqual({ ok: false, reason: 'invalid_link' });
		expect(await invitations.deleteExpired(handle.db, new Date())).toBe(0);
		expect(await invitations.deleteExpired(handle.db, later)).toBe(1);
		expect(await handle.db.select().from(users).where(eq(users.email, 'new.teacher@school.test'))).toEqual([]);
	});

	it('stores only the hash of the token', async () => {
		const { token } = await invite();
		const rows = await handle.db.select().from(invitationsTable);
		expect(rows).toHaveLength(1);
		expect(JSON.stringify(rows)).not.toContain(token);
	});

	it('replaces a pending invitation for the same address, school and role', async () => {
		const { school, inviter, token } = await invite();
		const second = await invitations.create(handle.db, {
			email: 'new.teacher@school.test',
			schoolId: school.id,
			role: 'teacher',
			inviterId: inviter.id,
			origin: ORIGIN
		});
		expect(await invitations.find(handle.db, token)).toBeNull();
		expect(await invitations.find(handle.db, tokenOf(second))).not.toBeNull();
		expect(await handle.db.select().from(invitationsTable)).toHaveLength(1);
	});

	it('adds only the membership for an address that has an account, after the existing password', async () => {
		const otherSchool = await createSchool(handle.db);
		const existing = await createStaff(handle.db, { email: 'juf@school.test', roles: [{ schoolId: otherSchool.id, role: 'teacher' }] });
		const { school, token } = await invite('JUF@school.test', 'teacher');
		expect(await invitations.find(handle.db, token)).toMatchObject({ hasAccount: true });
		expect(await invitations.accept(handle.db, token, { password: NEW_PASSWORD }, null)).toEqual({ ok: false, reason: 'wrong_password' });
		const result = await invitations.accept(handle.db, token, { password: TEST_PASSWORD, firstName: 'Changed' }, null);
		expect(result).toEqual({ ok: true, userId: existing.id, newAccount: false });
		const [user] = await handle.db.select().from(users).where(eq(users.id, existing.id));
		expect(user).toMatchObject({ email: 'juf@school.test', firstName: null });
		const roles = await handle.db.select({ schoolId: memberships.schoolId }).from(memberships).where(eq(memberships.userId, existing.id));
		expect(roles.map((r) => r.schoolId).sort()).toEqual([otherSchool.id, school.id].sort());
		expect(await handle.db.select({ id: users.id }).from(users).where(eq(users.email, 'juf@school.test'))).toHaveLength(1);
	});
});
