import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/lib/server/db/client';
import { groups, groupTeachers, memberships, schools, users, type StaffRole } from '../../src/lib/server/db/schema';
import { hashPassword } from '../../src/lib/server/auth/passwords';

/** Builders for test data: real rows through the real schema, with defaults that pass validation. */

export const TEST_PASSWORD = 'een lang testwachtwoord';
let cachedHash: Promise<string> | undefined;

export async function createSchool(db: Database, name = `School ${randomBytes(3).toString('hex')}`) {
	const [school] = await db.insert(schools).values({ name }).returning({ id: schools.id, name: schools.name });
	return school!;
}

export async function createStaff(
	db: Database,
	options: { roles?: Array<{ schoolId: string; role: StaffRole }>; email?: string; password?: string } = {}
) {
	const passwordHash = options.password ? await hashPassword(options.password) : await (cachedHash ??= hashPassword(TEST_PASSWORD));
	const [user] = await db
		.insert(users)
		.values({ email: options.email ?? `staff-${randomBytes(4).toString('hex')}@school.test`, passwordHash })
		.returning({ id: users.id, email: users.email });
	if (options.roles?.length) {
		await db.insert(memberships).values(options.roles.map((r) => ({ userId: user!.id, ...r })));
	}
	return user!;
}

export async function createGroup(db: Database, schoolId: string, options: { name?: string; teacherIds?: string[] } = {}) {
	const [group] = await db
		.insert(groups)
		.values({ schoolId, name: options.name ?? `Groep ${randomBytes(2).toString('hex')}`, yearLevel: 7 })
		.returning({ id: groups.id, name: groups.name });
	if (options.teacherIds?.length) {
		await db.insert(groupTeachers).values(options.teacherIds.map((userId) => ({ groupId: group!.id, userId })));
	}
	return group!;
}
