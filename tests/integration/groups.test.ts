import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberships, securityLog, users, type StaffRole } from '../../src/lib/server/db/schema';
import * as groups from '../../src/lib/server/org/groups';
import * as schools from '../../src/lib/server/org/schools';
import type { Actor } from '../../src/lib/server/policy';
import { createGroup, createSchool, createStaff } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

describe.each(engines)('school organisation on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	async function staff(schoolId: string, role: StaffRole): Promise<Actor> {
		const user = await createStaff(handle.db, { roles: [{ schoolId, role }] });
		return { id: user.id, memberships: [{ schoolId, role }] };
	}

	it('creates, updates and removes a group', async () => {
		const { db } = handle;
		const school = await createSchool(db);
		const id = await groups.create(db, school.id, { name: 'Groep 7', yearLevel: 7 });
		expect(await groups.find(db, id!)).toEqual({ id, schoolId: school.id, name: 'Groep 7', yearLevel: 7, size: null, teacherIds: [] });

		expect(await groups.update(db, id!, { name: 'Groep 7/8', yearLevel: null, size: 26 })).toBe('updated');
		expect(await groups.find(db, id!)).toMatchObject({ name: 'Groep 7/8', yearLevel: null, size: 26 });
		// A form without the size leaves it as it is.
		expect(await groups.update(db, id!, { name: 'Groep 7/8', yearLevel: null })).toBe('updated');
		expect(await groups.find(db, id!)).toMatchObject({ size: 26 });
		// Changing only the case of its own name is not a duplicate of itself.
		expect(await groups.update(db, id!, { name: 'groep 7/8', yearLevel: 8 })).toBe('updated');

		expect(await groups.remove(db, id!)).toBe(true);
		expect(await groups.find(db, id!)).toBeNull();
		expect(await groups.remove(db, id!)).toBe(false);
		expect(await groups.update(db, id!, { name: 'X', yearLevel: null })).toBe('not_found');
	});

	it('answers "not found" for malformed ids instead of failing', async () => {
		const { db } = handle;
		expect(await groups.find(db, 'not-a-uuid')).toBeNull();
		expect(await groups.remove(db, "1' or 1=1")).toBe(false);
		expect(await groups.assignTeachers(db, 'nope', [])).toBeNull();
		expect(await schools.find(db, 'nope')).toBeNull();
		expect(await schools.rename(db, 'nope', 'X')).toBe(false);
	});

	it('refuses a duplicate group name in the same school, whatever the case', async () => {
		const { db } = handle;
		const school = await createSchool(db);
		const other = await createSchool(db);
		const first = await groups.create(db, school.id, { name: '3 Havo B', yearLevel: 3 });
		expect(first).not.toBeNull();
		expect(await groups.create(db, school.id, { name: '3 havo b', yearLevel: null })).toBeNull();
		// Another school may use the same name.
		expect(await groups.create(db, other.id, { name: '3 HAVO B', yearLevel: 3 })).not.toBeNull();

		const second = await groups.create(db, school.id, { name: '3 havo A', yearLevel: 3 });
		expect(await groups.update(db, second!, { name: '3 HAVO b', yearLevel: 3 })).toBe('duplicate');
		expect(await groups.find(db, second!)).toMatchObject({ name: '3 havo A' });
	});

	it('assigns only teachers of the group\'s own school and reports the rest as refused', async () => {
		const { db } = handle;
		const school = await createSchool(db);
		const other = await createSchool(db);
		const teacher = await staff(school.id, 'teacher');
		const second = await staff(school.id, 'teacher');
		const leader = await staff(school.id, 'school_leader');
		const care = await staff(school.id, 'care_coordinator');
		const foreignTeacher = await staff(other.id, 'teacher');
		const deactivated = await staff(school.id, 'teacher');
		await db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, deactivated.id));
		const group = await createGroup(db, school.id);

		const result = await groups.assignTeachers(db, group.id, [teacher.id, leader.id, care.id, foreignTeacher.id, deactivated.id, 'junk', teacher.id]);
		expect(result!.refused.sort()).toEqual([leader.id, care.id, foreignTeacher.id, deactivated.id, 'junk'].sort());
		expect(await groups.teacherIds(db, group.id)).toEqual([teacher.id]);

		// The list replaces the previous one; an empty list leaves the group without teachers.
		expect(await groups.assignTeachers(db, group.id, [second.id])).toEqual({ refused: [] });
		expect(await groups.teacherIds(db, group.id)).toEqual([second.id]);
		expect((await groups.teachers(db, group.id)).map((t) => t.id)).toEqual([second.id]);
		await groups.assignTeachers(db, group.id, []);
		expect(await groups.teacherIds(db, group.id)).toEqual([]);

		const offered = (await schools.teachersOf(db, school.id)).map((t) => t.id);
		expect(offered.sort()).toEqual([teacher.id, second.id].sort());
	});

	it('shows a teacher only their own groups, and leaders and care coordinators all groups of their school only', async () => {
		const { db } = handle;
		const school = await createSchool(db);
		const other = await createSchool(db);
		const teacher = await staff(school.id, 'teacher');
		const colleague = await staff(school.id, 'teacher');
		const own = await createGroup(db, school.id, { name: 'A', teacherIds: [teacher.id] });
		const colleagues = await createGroup(db, school.id, { name: 'B', teacherIds: [colleague.id] });
		const unassigned = await createGroup(db, school.id, { name: 'C' });
		await createGroup(db, other.id, { name: 'D', teacherIds: [teacher.id] });

		const names = async (actor: Actor, schoolId = school.id) => (await groups.listVisible(db, actor, schoolId)).map((g) => g.name);
		expect(await names(teacher)).toEqual([own.name]);
		expect(await names(colleague)).toEqual([colleagues.name]);
		for (const role of ['school_leader', 'care_coordinator', 'admin'] as const) {
			const actor = await staff(school.id, role);
			expect(await names(actor)).toEqual([own.name, colleagues.name, unassigned.name]);
			expect(await names(actor, other.id)).toEqual([]);
		}
		// A teacher assigned (wrongly) to another school's group still sees nothing there without a role in it.
		expect(await names(teacher, other.id)).toEqual([]);
	});

	it('creates a school with its creator as admin, and renames it', async () => {
		const { db } = handle;
		const existing = await createSchool(db);
		const admin = await staff(existing.id, 'admin');
		const id = await schools.create(db, { name: 'De Regenboog' }, admin.id, '192.0.2.1');
		expect(await schools.find(db, id)).toEqual({ id, name: 'De Regenboog' });
		const roles = await db.select({ schoolId: memberships.schoolId, role: memberships.role }).from(memberships).where(eq(memberships.userId, admin.id));
		expect(roles).toContainEqual({ schoolId: id, role: 'admin' });
		const [logged] = await db.select().from(securityLog).where(eq(securityLog.userId, admin.id));
		expect(logged).toMatchObject({ event: 'role_change', actorId: admin.id, ip: '192.0.2.1' });

		expect(await schools.rename(db, id, 'De Regenboog Noord')).toBe(true);
		expect(await schools.find(db, id)).toMatchObject({ name: 'De Regenboog Noord' });
	});
});
