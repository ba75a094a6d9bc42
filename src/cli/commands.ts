import { eq, sql } from 'drizzle-orm';
import { hashPassword } from '../lib/server/auth/passwords';
import { invalidateUserSessions } from '../lib/server/auth/sessions';
import type { Database } from '../lib/server/db/client';
import { memberships, passwordResets, schools, users } from '../lib/server/db/schema';
import * as securityLog from '../lib/server/security-log';
import { CliError } from './errors';

/** What the command line does to the database; index.ts parses the arguments. */

export interface NewAdmin {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
	/** A new school by this name, or else the existing school `schoolId`. */
	schoolName?: string;
	schoolId?: string;
}

async function findUserId(db: Database, email: string): Promise<string | undefined> {
	const [user] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));
	return user?.id;
}

/** Creates an admin in a new or existing school; returns that school. */
export async function createAdmin(db: Database, input: NewAdmin): Promise<{ schoolId: string; schoolName: string }> {
	if (await findUserId(db, input.email)) throw new CliError(`An account with e-mail ${input.email} already exists.`);
	const passwordHash = await hashPassword(input.password);
	return db.transaction(async (tx) => {
		const school = input.schoolId
			? (await tx.select({ id: schools.id, name: schools.name }).from(schools).where(eq(schools.id, input.schoolId)))[0]
			: (await tx.insert(schools).values({ name: input.schoolName! }).returning({ id: schools.id, name: schools.name }))[0];
		if (!school) throw new CliError(`There is no school with id ${input.schoolId}.`);
		const [user] = await tx
			.insert(users)
			.values({ email: input.email, passwordHash, firstName: input.firstName || null, lastName: input.lastName || null })
			.returning({ id: users.id });
		await tx.insert(memberships).values({ userId: user!.id, schoolId: school.id, role: 'admin' });
		return { schoolId: school.id, schoolName: school.name };
	});
}

/**
 * Sets a new password for an account whose owner cannot log in, and ends all its sessions
 * and reset links: whoever knew the old password is out.
 */
export async function resetPassword(db: Database, email: string, password: string): Promise<void> {
	const userId = await findUserId(db, email);
	if (!userId) throw new CliError(`There is no account with e-mail ${email}.`);
	const passwordHash = await hashPassword(password);
	await db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
		await invalidateUserSessions(tx, userId);
		await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
		await securityLog.record(tx, { event: 'password_reset', userId, ip: null });
	});
}
