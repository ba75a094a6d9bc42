import { and, asc, count, desc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Database } from './db/client';
import { groups, groupTeachers, identityProviders, memberships, passkeys, passwordResets, schools, sessions, staffIdentities, users } from './db/schema';
import { hashPassword, passwordProblem, verifyPassword, type PasswordProblem } from './auth/passwords';
import { invalidateUserSessions } from './auth/sessions';
import * as totp from './auth/totp';
import * as securityLog from './security-log';

/**
 * A staff member's own account (PRIVACY.md, staff rights): see and download everything held
 * about them, correct name and e-mail, change the password.
 */

/**
 * Everything held about the user, in one object. Secrets stay out: no password hash, no TOTP
 * key, no recovery codes and no session id hashes (a hash is as good as a login in the wrong hands).
 * A passkey's public key stays out too: it is of no use to anyone but the server.
 */
export async function exportData(db: Database, userId: string, now = new Date()) {
	const [user] = await db
		.select({ email: users.email, firstName: users.firstName, lastName: users.lastName, totpKey: users.totpKey })
		.from(users)
		.where(eq(users.id, userId));
	if (!user) return null;
	const roles = await db
		.select({ school: schools.name, role: memberships.role })
		.from(memberships)
		.innerJoin(schools, eq(schools.id, memberships.schoolId))
		.where(eq(memberships.userId, userId))
		.orderBy(asc(schools.name), asc(memberships.role));
	const taught = await db
		.select({ school: schools.name, group: groups.name, yearLevel: groups.yearLevel })
		.from(groupTeachers)
		.innerJoin(groups, eq(groups.id, groupTeachers.groupId))
		.innerJoin(schools, eq(schools.id, groups.schoolId))
		.where(eq(groupTeachers.userId, userId))
		.orderBy(asc(schools.name), asc(groups.name));
	const log = await securityLog.forUser(db, userId);
	const ownSessions = await db
		.select({ createdAt: sessions.createdAt, lastActiveAt: sessions.lastActiveAt, expiresAt: sessions.expiresAt })
		.from(sessions)
		.where(eq(sessions.userId, userId))
		.orderBy(desc(sessions.lastActiveAt));
	const [resets] = await db
		.select({ n: count() })
		.from(passwordResets)
		.where(and(eq(passwordResets.userId, userId), gt(passwordResets.expiresAt, now)));
	const singleSignOn = await db
		.select({ provider: identityProviders.name, issuer: identityProviders.issuer, subject: staffIdentities.subject })
		.from(staffIdentities)
		.innerJoin(identityProviders, eq(identityProviders.id, staffIdentities.providerId))
		.where(eq(staffIdentities.userId, userId))
		.orderBy(asc(identityProviders.name));
	const ownPasskeys = await db.select({ id: passkeys.id, createdAt: passkeys.createdAt }).from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt));
	return {
		profile: {
			email: user.email,
			firstName: user.firstName,
			lastName: user.lastName,
			twoStepVerification: user.totpKey !== null
		},
		roles,
		groupsTaught: taught,
		singleSignOn,
		passkeys: ownPasskeys,
		securityLog: log.map((entry) => ({ at: entry.at, event: entry.event, ip: entry.ip })),
		sessions: ownSessions,
		pendingPasswordResets: resets?.n ?? 0
	};
}

export type AccountExport = NonNullable<Awaited<ReturnType<typeof exportData>>>;

export interface ProfileInput {
	email: string;
	firstName?: string | null;
	lastName?: string | null;
}

/** Returns null on success, or 'email_taken' when another account has that address (in any case). */
export async function updateProfile(db: Database, userId: string, input: ProfileInput): Promise<'email_taken' | null> {
	const email = input.email.trim();
	const [other] = await db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(sql`lower(${users.email})`, email.toLowerCase()), ne(users.id, userId)));
	if (other) return 'email_taken';
	try {
		await db
			.update(users)
			.set({ email, firstName: input.firstName || null, lastName: input.lastName || null })
			.where(eq(users.id, userId));
	} catch (error) {
		// Two accounts taking the same address at once: the unique index decides.
		if (isUniqueViolation(error)) return 'email_taken';
		throw error;
	}
	return null;
}

function isUniqueViolation(error: unknown): boolean {
	// Drizzle wraps the driver's error; its PostgreSQL code is somewhere down the cause chain.
	for (let e = error; e && typeof e === 'object'; e = 'cause' in e ? e.cause : undefined) {
		if ('code' in e && e.code === '23505') return true;
	}
	return false;
}

export type ChangePasswordResult = { ok: true } | { ok: false; reason: 'wrong_password' | PasswordProblem };

/**
 * Verifies the current password, stores the new one and ends every other session, so a
 * password changed because it leaked also throws out whoever used it. Pending reset links
 * go too: they were asked for under the old password.
 */
export async function changePassword(
	db: Database,
	userId: string,
	currentPassword: string,
	newPassword: string,
	keepSessionId: string,
	ip: string | null
): Promise<ChangePasswordResult> {
	const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
	if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) return { ok: false, reason: 'wrong_password' };
	const problem = passwordProblem(newPassword);
	if (problem) return { ok: false, reason: problem };
	const passwordHash = await hashPassword(newPassword);
	await db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
		await invalidateUserSessions(tx, userId, keepSessionId);
		await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
		await securityLog.record(tx, { event: 'password_change', userId, ip });
	});
	return { ok: true };
}

/** Admins must keep their second factor (ASVS level 2, see http/staff-auth.ts). */
export async function mayTurnOffTwoStep(db: Database, userId: string): Promise<boolean> {
	const [admin] = await db
		.select({ role: memberships.role })
		.from(memberships)
		.where(and(eq(memberships.userId, userId), eq(memberships.role, 'admin')))
		.limit(1);
	return !admin;
}

/** Returns false, changing nothing, for an admin. */
export async function turnOffTwoStep(db: Database, userId: string, ip: string | null): Promise<boolean> {
	if (!(await mayTurnOffTwoStep(db, userId))) return false;
	await totp.disable(db, userId, ip);
	return true;
}
