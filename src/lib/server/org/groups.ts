import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { groups, groupTeachers } from '../db/schema';
import { can, type Actor } from '../policy';

export interface GroupInput {
	name: string;
	yearLevel: number | null;
}

/** Returns the new group's id, or null when the school already has a group of that name. */
export async function create(db: Database, schoolId: string, input: GroupInput): Promise<string | null> {
	const created = await db
		.insert(groups)
		.values({ schoolId, name: input.name, yearLevel: input.yearLevel })
		.onConflictDoNothing()
		.returning({ id: groups.id });
	return created[0]?.id ?? null;
}

export async function teacherIds(db: Database, groupId: string): Promise<string[]> {
	const rows = await db.select({ userId: groupTeachers.userId }).from(groupTeachers).where(eq(groupTeachers.groupId, groupId));
	return rows.map((r) => r.userId);
}

/** The group with its school and teachers, or null. Callers check `can(..., 'group.view', ...)`. */
export async function find(db: Database, groupId: string) {
	const [group] = await db
		.select({ id: groups.id, schoolId: groups.schoolId, name: groups.name, yearLevel: groups.yearLevel })
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
	return db
		.select(fields)
		.from(groups)
		.innerJoin(groupTeachers, eq(groupTeachers.groupId, groups.id))
		.where(and(eq(groups.schoolId, schoolId), eq(groupTeachers.userId, actor.id)))
		.orderBy(asc(groups.yearLevel), asc(groups.name));
}

/** Replaces the group's teachers; only staff with the teacher role in the group's school count. */
export async function assignTeachers(db: Database, groupId: string, userIds: string[]): Promise<void> {
	await db.transaction(async (tx) => {
		await tx.delete(groupTeachers).where(eq(groupTeachers.groupId, groupId));
		if (userIds.length > 0) await tx.insert(groupTeachers).values(userIds.map((userId) => ({ groupId, userId })));
	});
}


