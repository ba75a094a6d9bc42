import { asc, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from './db/client';
import { memberships, securityLog, users, type SecurityEvent } from './db/schema';

/**
 * The security log: staff login and account events with time and IP, for security and
 * administration only (PRIVACY.md). Never written for student routes.
 */

export interface SecurityLogEntry {
	event: SecurityEvent;
	userId?: string | null;
	actorId?: string | null;
	ip?: string | null;
}

export async function record(db: Database, entry: SecurityLogEntry): Promise<void> {
	await db.insert(securityLog).values({
		event: entry.event,
		userId: entry.userId ?? null,
		actorId: entry.actorId ?? null,
		ip: entry.ip ?? null
	});
}

const entryFields = {
	at: securityLog.at,
	event: securityLog.event,
	userId: securityLog.userId,
	actorId: securityLog.actorId,
	ip: securityLog.ip
};

export function forUser(db: Database, userId: string) {
	return db.select(entryFields).from(securityLog).where(eq(securityLog.userId, userId)).orderBy(desc(securityLog.at));
}

/** Entries about the staff of one school, newest first (read by the school's admins). */
export function forSchool(db: Database, schoolId: string, limit = 500) {
	const staffOfSchool = db.selectDistinct({ userId: memberships.userId }).from(memberships).where(eq(memberships.schoolId, schoolId));
	return db
		.select(entryFields)
		.from(securityLog)
		.where(inArray(securityLog.userId, staffOfSchool))
		.orderBy(desc(securityLog.at))
		.limit(limit);
}

/**
 * Every entry since `from`, oldest first, with the e-mail addresses of the accounts it is
 * about: what the school needs to hear after a breach (processor agreement, Art. 10), read
 * by the operator from the command line.
 */
export function since(db: Database, from: Date) {
	const actor = alias(users, 'actor');
	return db
		.select({ at: securityLog.at, event: securityLog.event, email: users.email, actorEmail: actor.email, ip: securityLog.ip })
		.from(securityLog)
		.leftJoin(users, eq(users.id, securityLog.userId))
		.leftJoin(actor, eq(actor.id, securityLog.actorId))
		.where(gte(securityLog.at, from))
		.orderBy(asc(securityLog.at), asc(securityLog.id));
}

/** Deletes entries older than the retention period; returns how many. */
export async function deleteOlderThan(db: Database, cutoff: Date): Promise<number> {
	const deleted = await db.delete(securityLog).where(lt(securityLog.at, cutoff)).returning({ id: securityLog.id });
	return deleted.length;
}
