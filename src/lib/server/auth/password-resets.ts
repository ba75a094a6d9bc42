import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { config } from '../config';
import type { Database } from '../db/client';
import { passwordResets, users } from '../db/schema';
import * as securityLog from '../security-log';
import { normaliseEmail } from './login';
import { hashPassword, passwordProblem, type PasswordProblem } from './passwords';
import { invalidateUserSessions } from './sessions';
import { generateToken, hashToken } from './tokens';

/** Single-use links to choose a new password; only the token's hash is stored. */

/** Stores a reset for the user (replacing older ones, so only the newest link works); returns the link. */
export async function create(db: Database, userId: string, origin: string, now = new Date()): Promise<string> {
	const token = generateToken();
	const expiresAt = new Date(now.getTime() + config().PASSWORD_RESET_TTL_MINUTES * 60_000);
	await db.transaction(async (tx) => {
		await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
		await tx.insert(passwordResets).values({ tokenHash: hashToken(token), userId, expiresAt });
	});
	return `${origin}/reset/${token}`;
}

/**
 * For "forgot password": a link for the active account with this address, or null when there
 * is none. The caller must answer the same either way.
 */
export async function createForEmail(db: Database, email: string, origin: string, now = new Date()): Promise<string | null> {
	const [user] = await db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(sql`lower(${users.email})`, normaliseEmail(email)), isNull(users.deactivatedAt)));
	return user ? create(db, user.id, origin, now) : null;
}

/** The account a link belongs to, or null when the link is unknown, used or expired. */
export async function find(db: Database, token: string, now = new Date()): Promise<{ userId: string; email: string } | null> {
	const [row] = await db
		.select({ userId: passwordResets.userId, email: users.email })
		.from(passwordResets)
		.innerJoin(users, eq(users.id, passwordResets.userId))
		.where(and(eq(passwordResets.tokenHash, hashToken(token)), gt(passwordResets.expiresAt, now)));
	return row ?? null;
}

export type CompleteResult = { ok: true; userId: string } | { ok: false; reason: 'invalid_link' | PasswordProblem };

/**
 * Sets the new password and uses the link up. Every session of the user ends: whoever knew the
 * old password is thrown out too.
 */
export async function complete(
	db: Database,
	token: string,
	newPassword: string,
	ip: string | null,
	now = new Date()
): Promise<CompleteResult> {
	const problem = passwordProblem(newPassword);
	if (problem) return { ok: false, reason: problem };
	if (!(await find(db, token, now))) return { ok: false, reason: 'invalid_link' };
	const passwordHash = await hashPassword(newPassword);
	return db.transaction(async (tx) => {
		const [used] = await tx
			.delete(passwordResets)
			.where(and(eq(passwordResets.tokenHash, hashToken(token)), gt(passwordResets.expiresAt, now)))
			.returning({ userId: passwordResets.userId });
		if (!used) return { ok: false, reason: 'invalid_link' } as const;
		const { userId } = used;
		await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
		await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
		await invalidateUserSessions(tx, userId);
		await securityLog.record(tx, { event: 'password_reset', userId, ip });
		return { ok: true, userId } as const;
	});
}

/** Removes resets past their expiry (retention); returns how many. */
export async function deleteExpired(db: Database, now = new Date()): Promise<number> {
	const deleted = await db.delete(passwordResets).where(lt(passwordResets.expiresAt, now)).returning({ tokenHash: passwordResets.tokenHash });
	return deleted.length;
}
