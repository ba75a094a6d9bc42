import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { groups, groupTeachers, memberships, users } from '../db/schema';
import { can, rolesIn, type Actor } from '../policy';

export interface GroupInput {
	name: string;
	yearLevel: number | null;
	/** How many students: a round's default cap, and the measure of a padded count. Unset: left as it is. */
	size?: number | null;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs and forms; PostgreSQL rejects a malformed uuid with an error, we answer "not found". */
export function isId(value: string): boolean {
	return uuidShape.test(value);
}

/** Returns the new group's id, or null when the school already has a group of that name (in any case). */
export async function create(db: Database, schoolId: string, input: GroupInput): Promise<string | null> {
	const created = await db
		.insert(groups)
		.values({ schoolId, name: input.name, yearLevel: input.yearLevel, size: input.size })
		.onConflictDoNothing()
		.returning({ id: groups.id });
	return created[0]?.id ?? null;
}

/** Renames the group or changes its year; 'duplicate' when another group of the school has that name. */
export async function update(db: Database, groupId: string, input: GroupInput): Promise<'updated' | 'duplicate' | 'not_found'> {
	const group = await find(db, groupId);
	if (!group) return 'not_found';
	const [other] = await db
		.select({ id: groups.id })
		.from(groups)
		.where(and(eq(groups.schoolId, group.schoolId), eq(sql`lower(${groups.name})`, input.name.toLowerCase()), ne(groups.id, groupId)));
	if (other) return 'duplicate';
	try {
		await db.update(groups).set({ name: input.name, yearLevel: input.yearLevel, size: input.size }).where(eq(groups.id, groupId));
	} catch (error) {
		// Two groups renamed to the same name at once: the unique index decides.
		if (isUniqueViolation(error)) return 'duplicate';
		throw error;
	}
	return 'updated';
}

function isUniqueViolation(error: unknown): boolean {
	// Drizzle wraps the driver's error; its PostgreSQL code is somewhere down the cause chain.
	for (let e = error; e && typeof e === 'object'; e = 'cause' in e ? e.cause : undefined) {
		if ('code' in e && e.code === '23505') return true;
	}
	return false;
}

/** Deletes the group and its teacher assignments; false when there was no such group. */
export async function remove(db: Database, groupId: string): Promise<boolean> {
	if (!isId(groupId)) return false;
	const deleted = await db.delete(groups).where(eq(groups.id, groupId)).returning({ id: groups.id });
	return deleted.length > 0;
}

export async function teacherIds(db: Database, groupId: string): Promise<string[]> {
	const rows = await db.select({ userId: groupTeachers.userId }).from(groupTeachers).where(eq(groupTeachers.groupId, groupId));
	return rows.map((r) => r.userId);
}

/** The teachers of each of these groups, by group id (a group without any is missing). */
export async function teacherIdsOf(db: Database, groupIds: string[]): Promise<Map<string, string[]>> {
	const byGroup = new Map<string, string[]>();
	if (groupIds.length === 0) return byGroup;
	const rows = await db.select({ groupId: groupTeachers.groupId, userId: groupTeachers.userId }).from(groupTeachers).where(inArray(groupTeachers.groupId, groupIds));
	for (const { groupId, userId } of rows) byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), userId]);
	return byGroup;
}

/** The group's teachers with what the page shows of them, by name. */
export function teachers(db: Database, groupId: string) {
	return db
		.select({ id: users.id, firstName: users.firstName, lastName: users.lastName, email: users.email })
		.from(groupTeachers)
		.innerJoin(users, eq(users.id, groupTeachers.userId))
		.where(eq(groupTeachers.groupId, groupId))
		.orderBy(asc(users.lastName), asc(users.firstName), asc(users.email));
}

/** The group with its school and teachers, or null. Callers check `can(..., 'group.view', ...)`. */
export async function find(db: Database, groupId: string) {
	if (!isId(groupId)) return null;
	const [group] = await db
		.select({ id: groups.id, schoolId: groups.schoolId, name: groups.name, yearLevel: groups.yearLevel, size: groups.size })
		.from(groups)
		.where(eq(groups.id, groupId));
	return group ? { ...group, teacherIds: await teacherIds(db, groupId) } : null;
}

/** Groups of a school the actor may see: all of them for leaders, their own for teachers. */
export async function listVisible(db: Database, actor: Actor, schoolId: string) {
	const fields = { id: groups.id, name: groups.name, yearLevel: groups.yearLevel };
	if (can(actor, 'groups.view_all', { schoolId })) {
		return db.select(fields).from(groups).where(eq(groups.schoolId, schoolId)).orderBy(asc(groups.yearLevel), asc(groups.name));
	}
	// As in the policy's group.view: an assignment counts only while the teacher role does.
	if (!rolesIn(actor, schoolId).includes('teacher')) return [];
	return db
		.select(fields)
		.from(groups)
		.innerJoin(groupTeachers, eq(groupTeachers.groupId, groups.id))
		.where(and(eq(groups.schoolId, schoolId), eq(groupTeachers.userId, actor.id)))
		.orderBy(asc(groups.yearLevel), asc(groups.name));
}

/**
 * Replaces the group's teachers. Only active staff with the teacher role in the group's
 * school can teach it; anyone else is left out and returned in `refused`. Null: no such group.
 */
export async function assignTeachers(db: Database, groupId: string, userIds: string[]): Promise<{ refused: string[] } | null> {
	const group = await find(db, groupId);
	if (!group) return null;
	const wanted = [...new Set(userIds.map((id) => id.toLowerCase()))];
	const ids = wanted.filter(isId);
	return db.transaction(async (tx) => {
		const eligible =
			ids.length === 0
				? []
				: await tx
						.select({ userId: memberships.userId })
						.from(memberships)
						.innerJoin(users, eq(users.id, memberships.userId))
						.where(
							and(
								eq(memberships.schoolId, group.schoolId),
								eq(memberships.role, 'teacher'),
								inArray(memberships.userId, ids),
								isNull(users.deactivatedAt)
							)
						);
		const accepted = new Set(eligible.map((e) => e.userId));
		await tx.delete(groupTeachers).where(eq(groupTeachers.groupId, groupId));
		if (accepted.size > 0) await tx.insert(groupTeachers).values([...accepted].map((userId) => ({ groupId, userId })));
		return { refused: wanted.filter((id) => !accepted.has(id)) };
	});
}
