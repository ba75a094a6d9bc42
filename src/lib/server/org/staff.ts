import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { groups, groupTeachers, memberships, passwordResets, staffRoles, users, type StaffRole } from '../db/schema';
import { invalidateUserSessions } from '../auth/sessions';
import * as securityLog from '../security-log';

/**
 * A school's staff as its leaders and admins manage them. Callers check the policy
 * (`staff.view`, `staff.manage` with the target's roles in this school) first.
 *
 * Account-wide steps (deactivate, reactivate, delete) are only open to a school for people
 * who work at that school alone: one school must not lock someone out of another. For people
 * with roles elsewhere, "delete" removes them from this school only.
 */

export interface StaffMember {
	id: string;
	email: string;
	firstName: string | null;
	lastName: string | null;
	deactivated: boolean;
	roles: StaffRole[];
	/** Also has roles in another school. */
	elsewhere: boolean;
}

export type StaffProblem = 'last_admin' | 'elsewhere' | 'not_member';

export async function list(db: Database, schoolId: string): Promise<StaffMember[]> {
	const rows = await db
		.select({
			id: users.id,
			email: users.email,
			firstName: users.firstName,
			lastName: users.lastName,
			deactivatedAt: users.deactivatedAt,
			role: memberships.role,
			elsewhere: sql<boolean>`exists (select 1 from ${memberships} m where m.user_id = ${users.id} and m.school_id <> ${schoolId})`
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(eq(memberships.schoolId, schoolId))
		.orderBy(asc(users.lastName), asc(users.firstName), asc(users.email));
	const byId = new Map<string, StaffMember>();
	for (const { role, deactivatedAt, ...row } of rows) {
		const member = byId.get(row.id) ?? { ...row, deactivated: deactivatedAt !== null, roles: [] };
		member.roles.push(role);
		byId.set(row.id, member);
	}
	for (const member of byId.values()) member.roles.sort((a, b) => staffRoles.indexOf(a) - staffRoles.indexOf(b));
	return [...byId.values()];
}

/** One person of the school's staff, or null when they have no role in it (any string is safe as id). */
export async function find(db: Database, schoolId: string, userId: string): Promise<StaffMember | null> {
	return (await list(db, schoolId)).find((member) => member.id === userId) ?? null;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Serialises changes to one school's staff, so two admins cannot remove each other at once. */
async function lockSchool(tx: Tx, schoolId: string) {
	await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'staff:' + schoolId}, 0))`);
}

/** True when `userId` is an admin of the school and no other active admin is left. */
async function isLastAdmin(tx: Tx, schoolId: string, userId: string): Promise<boolean> {
	const admins = await tx
		.select({ userId: memberships.userId })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.schoolId, schoolId), eq(memberships.role, 'admin'), isNull(users.deactivatedAt)));
	return admins.some((a) => a.userId === userId) && admins.every((a) => a.userId === userId);
}

async function rolesIn(tx: Tx, schoolId: string, userId: string): Promise<StaffRole[]> {
	const rows = await tx
		.select({ role: memberships.role })
		.from(memberships)
		.where(and(eq(memberships.schoolId, schoolId), eq(memberships.userId, userId)));
	return rows.map((r) => r.role);
}

async function hasRolesElsewhere(tx: Tx, schoolId: string, userId: string): Promise<boolean> {
	const [row] = await tx
		.select({ userId: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.userId, userId), ne(memberships.schoolId, schoolId)))
		.limit(1);
	return row !== undefined;
}

export interface ActorContext {
	actorId: string;
	ip: string | null;
}

/** Replaces the person's roles in this school (at least one; removing all is `remove`). */
export async function setRoles(
	db: Database,
	schoolId: string,
	userId: string,
	roles: StaffRole[],
	{ actorId, ip }: ActorContext
): Promise<StaffProblem | null> {
	return db.transaction(async (tx) => {
		await lockSchool(tx, schoolId);
		const current = await rolesIn(tx, schoolId, userId);
		if (current.length === 0) return 'not_member';
		if (!roles.includes('admin') && (await isLastAdmin(tx, schoolId, userId))) return 'last_admin';
		const same = current.length === roles.length && current.every((r) => roles.includes(r));
		if (same) return null;
		await tx.delete(memberships).where(and(eq(memberships.schoolId, schoolId), eq(memberships.userId, userId)));
		await tx.insert(memberships).values([...new Set(roles)].map((role) => ({ userId, schoolId, role })));
		await securityLog.record(tx, { event: 'role_change', userId, actorId, ip });
		return null;
	});
}

/** Checks shared by the account-wide steps. */
async function accountWideProblem(tx: Tx, schoolId: string, userId: string): Promise<StaffProblem | null> {
	await lockSchool(tx, schoolId);
	if ((await rolesIn(tx, schoolId, userId)).length === 0) return 'not_member';
	if (await hasRolesElsewhere(tx, schoolId, userId)) return 'elsewhere';
	return null;
}

/** Blocks login and ends every session; the retention job deletes the account later. */
export async function deactivate(db: Database, schoolId: string, userId: string, { actorId, ip }: ActorContext, now = new Date()) {
	return db.transaction(async (tx): Promise<StaffProblem | null> => {
		const problem = await accountWideProblem(tx, schoolId, userId);
		if (problem) return problem;
		if (await isLastAdmin(tx, schoolId, userId)) return 'last_admin';
		const changed = await tx
			.update(users)
			.set({ deactivatedAt: now })
			.where(and(eq(users.id, userId), isNull(users.deactivatedAt)))
			.returning({ id: users.id });
		if (changed.length === 0) return null;
		await invalidateUserSessions(tx, userId);
		await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
		await securityLog.record(tx, { event: 'account_deactivated', userId, actorId, ip });
		return null;
	});
}

export async function reactivate(db: Database, schoolId: string, userId: string, { actorId, ip }: ActorContext) {
	return db.transaction(async (tx): Promise<StaffProblem | null> => {
		const problem = await accountWideProblem(tx, schoolId, userId);
		if (problem) return problem;
		const changed = await tx
			.update(users)
			.set({ deactivatedAt: null })
			.where(and(eq(users.id, userId), sql`${users.deactivatedAt} is not null`))
			.returning({ id: users.id });
		if (changed.length > 0) await securityLog.record(tx, { event: 'account_reactivated', userId, actorId, ip });
		return null;
	});
}

export type RemoveResult = { ok: true; removed: 'account' | 'from_school' } | { ok: false; reason: StaffProblem };

/**
 * Deletes the account of someone who works only at this school: memberships, sessions and log
 * entries about them go with the row (foreign keys cascade); the school's anonymous data stays.
 * Someone with roles elsewhere only loses their roles and groups in this school.
 */
export async function remove(db: Database, schoolId: string, userId: string, { actorId, ip }: ActorContext): Promise<RemoveResult> {
	return db.transaction(async (tx): Promise<RemoveResult> => {
		await lockSchool(tx, schoolId);
		if ((await rolesIn(tx, schoolId, userId)).length === 0) return { ok: false, reason: 'not_member' };
		if (await isLastAdmin(tx, schoolId, userId)) return { ok: false, reason: 'last_admin' };
		if (!(await hasRolesElsewhere(tx, schoolId, userId))) {
			await tx.delete(users).where(eq(users.id, userId));
			return { ok: true, removed: 'account' };
		}
		const schoolGroups = tx.select({ id: groups.id }).from(groups).where(eq(groups.schoolId, schoolId));
		await tx.delete(groupTeachers).where(and(eq(groupTeachers.userId, userId), inArray(groupTeachers.groupId, schoolGroups)));
		await tx.delete(memberships).where(and(eq(memberships.schoolId, schoolId), eq(memberships.userId, userId)));
		await securityLog.record(tx, { event: 'role_change', userId, actorId, ip });
		return { ok: true, removed: 'from_school' };
	});
}
