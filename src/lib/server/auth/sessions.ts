import { and, eq, lt, ne, or } from 'drizzle-orm';
import type { Database } from '../db/client';
import { sessions, users } from '../db/schema';
import { hasPasskeyColumn } from './second-factor-policy';
import { generateToken, hashToken } from './tokens';

/** Session handling after the Lucia guide: the cookie holds a token, the database its hash. */

export interface SessionLimits {
	absoluteMs: number;
	idleMs: number;
}

export interface SessionUser {
	id: string;
	email: string;
	firstName: string | null;
	lastName: string | null;
	totpEnabled: boolean;
	hasPasskey: boolean;
	/** An authenticator app or a passkey: there is a second step to pass. */
	hasSecondFactor: boolean;
}

export interface StaffSession {
	id: string;
	userId: string;
	expiresAt: Date;
	twoFactorVerified: boolean;
}

/** Activity is written back at most this often, to keep a page load from being a write. */
const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

export async function createSession(
	db: Database,
	userId: string,
	limits: SessionLimits,
	twoFactorVerified: boolean,
	now = new Date()
): Promise<{ token: string; session: StaffSession }> {
	const token = generateToken();
	const session = {
		id: hashToken(token),
		userId,
		createdAt: now,
		lastActiveAt: now,
		expiresAt: new Date(now.getTime() + limits.absoluteMs),
		twoFactorVerified
	};
	await db.insert(sessions).values(session);
	return { token, session };
}

/** The session and its user, or null when the token is unknown, expired, idle or the user deactivated. */
export async function validateSessionToken(
	db: Database,
	token: string,
	limits: SessionLimits,
	now = new Date()
): Promise<{ session: StaffSession; user: SessionUser } | null> {
	const id = hashToken(token);
	const [row] = await db
		.select({
			session: sessions,
			user: {
				id: users.id,
				email: users.email,
				firstName: users.firstName,
				lastName: users.lastName,
				totpKey: users.totpKey,
				hasPasskey: hasPasskeyColumn,
				deactivatedAt: users.deactivatedAt
			}
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(eq(sessions.id, id));
	if (!row) return null;
	const { session, user } = row;
	const idle = now.getTime() - session.lastActiveAt.getTime() > limits.idleMs;
	if (idle || now >= session.expiresAt || user.deactivatedAt) {
		await db.delete(sessions).where(eq(sessions.id, id));
		return null;
	}
	if (now.getTime() - session.lastActiveAt.getTime() > ACTIVITY_WRITE_INTERVAL_MS) {
		await db.update(sessions).set({ lastActiveAt: now }).where(eq(sessions.id, id));
	}
	return {
		session: { id, userId: session.userId, expiresAt: session.expiresAt, twoFactorVerified: session.twoFactorVerified },
		user: {
			id: user.id,
			email: user.email,
			firstName: user.firstName,
			lastName: user.lastName,
			totpEnabled: user.totpKey !== null,
			hasPasskey: user.hasPasskey,
			hasSecondFactor: user.totpKey !== null || user.hasPasskey
		}
	};
}

export async function markTwoFactorVerified(db: Database, sessionId: string): Promise<void> {
	await db.update(sessions).set({ twoFactorVerified: true }).where(eq(sessions.id, sessionId));
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of the user, except `keepSessionId` when given (the one in use). */
export async function invalidateUserSessions(db: Database, userId: string, keepSessionId?: string): Promise<void> {
	await db
		.delete(sessions)
		.where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId));
}

/** Removes sessions that can no longer be used (retention job). */
export async function deleteExpiredSessions(db: Database, limits: SessionLimits, now = new Date()): Promise<number> {
	const deleted = await db
		.delete(sessions)
		.where(or(lt(sessions.expiresAt, now), lt(sessions.lastActiveAt, new Date(now.getTime() - limits.idleMs))))
		.returning({ id: sessions.id });
	return deleted.length;
}
