import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, type LoginLimiters } from '../../src/lib/server/auth/login';
import { RateLimiter } from '../../src/lib/server/auth/rate-limit';
import { createSession, validateSessionToken, type SessionLimits } from '../../src/lib/server/auth/sessions';
import { groups, groupTeachers, memberships, schools, securityLog, users } from '../../src/lib/server/db/schema';
import * as staff from '../../src/lib/server/org/staff';
import { createGroup, createSchool, createStaff, TEST_PASSWORD } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const limits: SessionLimits = { absoluteMs: 12 * 3_600_000, idleMs: 30 * 60_000 };
const limiters = (): LoginLimiters => ({ perIp: new RateLimiter(100, 60_000), perAccount: new RateLimiter(100, 60_000) });

describe.each(engines)('staff management on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	async function schoolWithStaff() {
		const school = await createSchool(handle.db);
		const admin = await createStaff(handle.db, { roles: [{ schoolId: school.id, role: 'admin' }] });
		const teacher = await createStaff(handle.db, { email: 'teacher@school.test', roles: [{ schoolId: school.id, role: 'teacher' }] });
		return { school, admin, teacher, by: { actorId: admin.id, ip: '192.0.2.4' } };
	}

	it('lists the staff of one school with their roles there and whether they are active', async () => {
		const { school, admin, teacher } = await schoolWithStaff();
		const other = await createSchool(handle.db);
		await handle.db.insert(memberships).values({ userId: teacher.id, schoolId: other.id, role: 'school_leader' });
		await createStaff(handle.db, { roles: [{ schoolId: other.id, role: 'teacher' }] });
		const list = await staff.list(handle.db, school.id);
		expect(list.map((s) => s.id).sort()).toEqual([admin.id, teacher.id].sort());
		expect(list.find((s) => s.id === teacher.id)).toMatchObject({ roles: ['teacher'], deactivated: false, elsewhere: true });
		expect(list.find((s) => s.id === admin.id)).toMatchObject({ roles: ['admin'], elsewhere: false });
	});

	it('deactivation ends all sessions, blocks login and is logged with the actor', async () => {
		const { school, teacher, by } = await schoolWithStaff();
		const { token } = await createSession(handle.db, teacher.id, limits, true);
		expect(await staff.deactivate(handle.db, school.id, teacher.id, by)).toBeNull();
		expect(await validateSessionToken(handle.db, token, limits)).toBeNull();
		expect(await login(handle.db, { email: 'teacher@school.test', password: TEST_PASSWORD, ip: null }, limiters())).toEqual({
			ok: false,
			reason: 'invalid'
		});
		expect(await handle.db.select().from(securityLog).where(eq(securityLog.event, 'account_deactivated'))).toMatchObject([
			{ userId: teacher.id, actorId: by.actorId, ip: by.ip }
		]);
		expect(await staff.reactivate(handle.db, school.id, teacher.id, by)).toBeNull();
		expect(await login(handle.db, { email: 'teacher@school.test', password: TEST_PASSWORD, ip: null }, limiters())).toMatchObject({ ok: true });
		expect(await handle.db.select().from(securityLog).where(eq(securityLog.event, 'account_reactivated'))).toHaveLength(1);
	});

	it('delete removes the account but keeps the school, its groups and the other staff', async () => {
		const { school, admin, teacher, by } = await schoolWithStaff();
		const group = await createGroup(handle.db, school.id, { teacherIds: [teacher.id] });
		await createSession(handle.db, teacher.id, limits, true);
		expect(await staff.remove(handle.db, school.id, teacher.id, by)).toEqual({ ok: true, removed: 'account' });
		expect(await handle.db.select().from(users).where(eq(users.id, teacher.id))).toEqual([]);
		expect(await handle.db.select({ id: schools.id }).from(schools)).toEqual([{ id: school.id }]);
		expect(await handle.db.select({ id: groups.id }).from(groups)).toEqual([{ id: group.id }]);
		expect(await handle.db.select({ id: users.id }).from(users)).toEqual([{ id: admin.id }]);
		expect(await handle.db.select().from(securityLog).where(eq(securityLog.userId, teacher.id))).toEqual([]);
	});

	it('delete of someone with roles in another school only removes them from this school', async () => {
		const { school, teacher, by } = await schoolWithStaff();
		const other = await createSchool(handle.db);
		await handle.db.insert(memberships).values({ userId: teacher.id, schoolId: other.id, role: 'teacher' });
		await createGroup(handle.db, school.id, { teacherIds: [teacher.id] });
		const there = await createGroup(handle.db, other.id, { teacherIds: [teacher.id] });
		expect(await staff.deactivate(handle.db, school.id, teacher.id, by)).toBe('elsewhere');
		expect(await staff.remove(handle.db, school.id, teacher.id, by)).toEqual({ ok: true, removed: 'from_school' });
		expect(await handle.db.select({ schoolId: memberships.schoolId }).from(memberships).where(eq(memberships.userId, teacher.id))).toEqual([
			{ schoolId: other.id }
		]);
		const taught = await handle.db.select({ groupId: groupTeachers.groupId }).from(groupTeachers).where(eq(groupTeachers.userId, teacher.id));
		expect(taught).toEqual([{ groupId: there.id }]);
		expect(await login(handle.db, { email: 'teacher@school.test', password: TEST_PASSWORD, ip: null }, limiters())).toMatchObject({ ok: true });
	});

	it('never removes, deactivates or demotes the last admin of a school', async () => {
		const { school, admin } = await schoolWithStaff();
		const self = { actorId: admin.id, ip: null };
		expect(await staff.deactivate(handle.db, school.id, admin.id, self)).toBe('last_admin');
		expect(await staff.remove(handle.db, school.id, admin.id, self)).toEqual({ ok: false, reason: 'last_admin' });
		expect(await staff.setRoles(handle.db, school.id, admin.id, ['school_leader'], self)).toBe('last_admin');
		expect(await staff.find(handle.db, school.id, admin.id)).toMatchObject({ roles: ['admin'], deactivated: false });

		// A deactivated second admin does not count: the school would still have no one to act.
		const second = await createStaff(handle.db, { roles: [{ schoolId: school.id, role: 'admin' }] });
		await handle.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, second.id));
		expect(await staff.remove(handle.db, school.id, admin.id, self)).toEqual({ ok: false, reason: 'last_admin' });
		await handle.db.update(users).set({ deactivatedAt: null }).where(eq(users.id, second.id));
		expect(await staff.setRoles(handle.db, school.id, admin.id, ['school_leader'], self)).toBeNull();
		expect(await staff.remove(handle.db, school.id, second.id, self)).toEqual({ ok: false, reason: 'last_admin' });
	});

	it('two admins cannot remove each other at the same time', async () => {
		const { school, admin } = await schoolWithStaff();
		const second = await createStaff(handle.db, { roles: [{ schoolId: school.id, role: 'admin' }] });
		const results = await Promise.all([
			staff.remove(handle.db, school.id, second.id, { actorId: admin.id, ip: null }),
			staff.remove(handle.db, school.id, admin.id, { actorId: second.id, ip: null })
		]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(await handle.db.select().from(memberships).where(eq(memberships.role, 'admin'))).toHaveLength(1);
	});

	it('logs a role change with the actor who made it', async () => {
		const { school, teacher, by } = await schoolWithStaff();
		expect(await staff.setRoles(handle.db, school.id, teacher.id, ['teacher', 'care_coordinator'], by)).toBeNull();
		expect(await staff.find(handle.db, school.id, teacher.id)).toMatchObject({ roles: ['care_coordinator', 'teacher'] });
		expect(await handle.db.select().from(securityLog).where(eq(securityLog.event, 'role_change'))).toMatchObject([
			{ userId: teacher.id, actorId: by.actorId, ip: by.ip }
		]);
		// No change, no entry.
		await staff.setRoles(handle.db, school.id, teacher.id, ['care_coordinator', 'teacher'], by);
		expect(await handle.db.select().from(securityLog).where(eq(securityLog.event, 'role_change'))).toHaveLength(1);
		const outsider = await createStaff(handle.db);
		expect(await staff.setRoles(handle.db, school.id, outsider.id, ['teacher'], by)).toBe('not_member');
	});
});
