import { and, isNotNull, lt } from 'drizzle-orm';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { users } from '../db/schema';
import * as invitations from '../auth/invitations';
import * as passkeys from '../auth/passkeys';
import * as passwordResets from '../auth/password-resets';
import { deleteExpiredSessions } from '../auth/sessions';
import * as securityLog from '../security-log';
import { deleteExpiredAttempts } from '../sso/oidc';

/**
 * PRIVACY.md's retention rules, applied in one pass: by the server daily (schedule.ts) and on
 * demand from the command line. Every step is an idempotent delete, so running it twice, or on
 * several instances at once, removes nothing more than running it once.
 */

export type RetentionSettings = Pick<
	Config,
	'SECURITY_LOG_RETENTION_DAYS' | 'DEACTIVATED_ACCOUNT_RETENTION_DAYS' | 'SESSION_ABSOLUTE_HOURS' | 'SESSION_IDLE_MINUTES'
>;

export type RetentionCounts = {
	securityLogEntries: number;
	deactivatedAccounts: number;
	sessions: number;
	invitations: number;
	passwordResets: number;
	/** Single sign-on attempts and passkey challenges never finished. */
	signInCeremonies: number;
};

const DAY_MS = 86_400_000;

export async function runRetention(db: Database, cfg: RetentionSettings, now = new Date()): Promise<RetentionCounts> {
	const logCutoff = new Date(now.getTime() - cfg.SECURITY_LOG_RETENTION_DAYS * DAY_MS);
	const accountCutoff = new Date(now.getTime() - cfg.DEACTIVATED_ACCOUNT_RETENTION_DAYS * DAY_MS);
	const limits = { absoluteMs: cfg.SESSION_ABSOLUTE_HOURS * 3_600_000, idleMs: cfg.SESSION_IDLE_MINUTES * 60_000 };
	return {
		securityLogEntries: await securityLog.deleteOlderThan(db, logCutoff),
		deactivatedAccounts: await deleteDeactivatedAccounts(db, accountCutoff),
		sessions: await deleteExpiredSessions(db, limits, now),
		invitations: await invitations.deleteExpired(db, now),
		passwordResets: await passwordResets.deleteExpired(db, now),
		signInCeremonies: (await deleteExpiredAttempts(db, now)) + (await passkeys.deleteExpiredChallenges(db, now))
	};
}

/**
 * Deleting the user row takes its memberships, group assignments, sessions, recovery codes,
 * reset links and log entries with it (foreign keys cascade); schools and groups stay, and
 * log entries where the person acted on someone else keep the entry but lose the link.
 */
async function deleteDeactivatedAccounts(db: Database, cutoff: Date): Promise<number> {
	const deleted = await db
		.delete(users)
		.where(and(isNotNull(users.deactivatedAt), lt(users.deactivatedAt, cutoff)))
		.returning({ id: users.id });
	return deleted.length;
}
