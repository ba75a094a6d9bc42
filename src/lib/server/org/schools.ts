import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, schools, users } from '../db/schema';
import { rolesIn, type Actor } from '../policy';
import * as securityLog from '../security-log';
import { isId } from './groups';

/** The schools the actor has a role in, with those roles, by name. */
export async function listForActor(db: Database, actor: Actor) {
	const ids = [...new Set(actor.memberships.map((m) => m.schoolId))];
	if (ids.length === 0) return [];
	const rows = await db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, ids));
	return rows
		.map((school) => ({ ...school, roles: rolesIn(actor, school.id) }))
		.sort((a, b) => a.name.localeCompare(b.name, 'nl'));
}

/** The school, or null. Callers check `can(..., 'school.view', ...)`. */
export async function find(db: Database, schoolId: string) {
	if (!isId(schoolId)) return null;
	const [school] = await db.select({ id: schools.id, name: schools.name }).from(schools).where(eq(schools.id, schoolId));
	return school ?? null;
}

/**
 * Creates a school with its creator as its admin: a school nobody administers could never be
 * managed. The new role is a role change of the creator, so it goes to the security log.
 */
export async function create(db: Database, input: { name: string }, adminUserId: string, ip: string | null = null): Promise<string> {
	return db.transaction(async (tx) => {
		const [school] = await tx.insert(schools).values({ name: input.name }).returning({ id: schools.id });
		await tx.insert(memberships).values({ userId: adminUserId, schoolId: school!.id, role: 'admin' });
		await securityLog.record(tx, { event: 'role_change', userId: adminUserId, actorId: adminUserId, ip });
		return school!.id;
	});
}

/** False when there is no such school. */
export async function rename(db: Database, schoolId: string, name: string): Promise<boolean> {
	if (!isId(schoolId)) return false;
	const renamed = await db.update(schools).set({ name }).where(eq(schools.id, schoolId)).returning({ id: schools.id });
	return renamed.length > 0;
}

/** Active staff with the teacher role in the school: the choice offered when assigning a group's teachers. */
export function teachersOf(db: Database, schoolId: string) {
	return db
		.select({ id: users.id, firstName: users.firstName, lastName: users.lastName, email: users.email })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.schoolId, schoolId), eq(memberships.role, 'teacher'), isNull(users.deactivatedAt)))
		.orderBy(asc(users.lastName), asc(users.firstName), asc(users.email));
}
