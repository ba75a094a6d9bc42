import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as account from '../../src/lib/server/account';
import { verifyPassword } from '../../src/lib/server/auth/passwords';
import { createSession, type SessionLimits } from '../../src/lib/server/auth/sessions';
import { generateKey } from '../../src/lib/server/auth/totp';
import { passwordResets, sessions, users } from '../../src/lib/server/db/schema';
import * as securityLog from '../../src/lib/server/security-log';
import { createGroup, createSchool, createStaff, TEST_PASSWORD } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const limits: SessionLimits = { absoluteMs: 12 * 3_600_000, idleMs: 30 * 60_000 };
const NEW_PASSWORD = 'een ander lang wachtwoord';

describe.each(engines)('own account on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('exports profile, roles, groups, log and sessions, and no secret', async () => {
		const db = handle.db;
		const school = await createSchool(db, 'De Regenboog');
		const user = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
		const key = generateKey();
		await db.update(users).set({ firstName: 'Anna', lastName: 'de Vries', totpKey: key }).where(eq(users.id, user.id));
		await createGroup(db, school.id, { name: 'Groep 7', teacherIds: [user.id] });
		await securityLog.record(db, { event: 'login_success', userId: user.id, ip: '192.0.2.7' });
		const { token, session } = await createSession(db, user.id, limits, true);
		await db.insert(passwordResets).values({ tokenHash: 'reset-hash', userId: user.id, expiresAt: new Date(Date.now() + 60_000) });
		const other = await createStaff(db, { roles: [{ schoolId: school.id, role: 'school_leader' }] });
		await securityLog.record(db, { event: 'login_success', userId: other.id, ip: '198.51.100.1' });

		const data = await account.exportData(db, user.id);
		expect(data).toMatchObject({
			profile: { email: user.email, firstName: 'Anna', lastName: 'de Vries', twoStepVerification: true },
			roles: [{ school: 'De Regenboog', role: 'teacher' }],
			groupsTaught: [{ school: 'De Regenboog', group: 'Groep 7', yearLevel: 7 }],
			securityLog: [{ event: 'login_success', ip: '192.0.2.7' }],
			sessions: [{ createdAt: expect.any(Date), lastActiveAt: expect.any(Date), expiresAt: session.expiresAt }],
			pendingPasswordResets: 1
		});
		const [stored] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id));
		const json = JSON.stringify(data);
		for (const secret of [stored!.passwordHash, key, session.id, token, 'reset-hash', user.id, '198.51.100.1']) {
			expect(json).not.toContain(secret);
		}
	});

	it('corrects name and e-mail, refusing an address taken in any case', async () => {
		const db = handle.db;
		const user = await createStaff(db, { email: 'anna@school.test' });
		await createStaff(db, { email: 'Bram@School.test' });
		expect(await account.updateProfile(db, user.id, { email: 'bram@school.test', firstName: 'Anna' })).toBe('email_taken');
		expect(await account.updateProfile(db, user.id, { email: 'anna.devries@school.test', firstName: 'Anna', lastName: '' })).toBeNull();
		const [row] = await db.select().from(users).where(eq(users.id, user.id));
		expect(row).toMatchObject({ email: 'anna.devries@school.test', firstName: 'Anna', lastName: null });
		// Changing only the case of one's own address is no conflict.
		expect(await account.updateProfile(db, user.id, { email: 'Anna.deVries@school.test' })).toBeNull();
	});

	it('changes the password, ending the other sessions but not the current one', async () => {
		const db = handle.db;
		const user = await createStaff(db);
		const current = await createSession(db, user.id, limits, true);
		await createSession(db, user.id, limits, true);
		const bystander = await createStaff(db);
		await createSession(db, bystander.id, limits, true);

		const result = await account.changePassword(db, user.id, TEST_PASSWORD, NEW_PASSWORD, current.session.id, '192.0.2.7');
		expect(result).toEqual({ ok: true });
		const left = await db.select({ id: sessions.id, userId: sessions.userId }).from(sessions);
		expect(left).toHaveLength(2);
		expect(left).toContainEqual({ id: current.session.id, userId: user.id });
		expect(left.filter((s) => s.userId === bystander.id)).toHaveLength(1);
		const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id));
		expect(await verifyPassword(row!.passwordHash, NEW_PASSWORD)).toBe(true);
		expect((await securityLog.forUser(db, user.id)).map((e) => e.event)).toEqual(['password_change']);
	});

	it('refuses a wrong current password and a weak new one, changing nothing', async () => {
		const db = handle.db;
		const user = await createStaff(db);
		const current = await createSession(db, user.id, limits, true);
		await createSession(db, user.id, limits, true);
		expect(await account.changePassword(db, user.id, 'not the password', NEW_PASSWORD, current.session.id, null)).toEqual({
			ok: false,
			reason: 'wrong_password'
		});
		expect(await account.changePassword(db, user.id, TEST_PASSWORD, 'short', current.session.id, null)).toEqual({
			ok: false,
			reason: 'too_short'
		});
		expect(await db.select().from(sessions)).toHaveLength(2);
		const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id));
		expect(await verifyPassword(row!.passwordHash, TEST_PASSWORD)).toBe(true);
		expect(await securityLog.forUser(db, user.id)).toEqual([]);
	});

	it('lets a teacher turn off two-step verification, but not an admin', async () => {
		const db = handle.db;
		const school = await createSchool(db);
		const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
		const admin = await createStaff(db, { roles: [{ schoolId: school.id, role: 'admin' }] });
		await db.update(users).set({ totpKey: generateKey() });
		expect(await account.turnOffTwoStep(db, admin.id, null)).toBe(false);
		expect(await account.turnOffTwoStep(db, teacher.id, null)).toBe(true);
		const rows = await db.select({ id: users.id, totpKey: users.totpKey }).from(users);
		expect(rows.find((r) => r.id === admin.id)!.totpKey).not.toBeNull();
		expect(rows.find((r) => r.id === teacher.id)!.totpKey).toBeNull();
	});
});
