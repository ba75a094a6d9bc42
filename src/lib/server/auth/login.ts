import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { users } from '../db/schema';
import * as securityLog from '../security-log';
import { mustUseSso } from '../sso/sign-in-policy';
import { verifyAgainstNothing, verifyPassword } from './passwords';
import { hasSecondFactorColumn } from './second-factor-policy';
import type { RateLimiter } from './rate-limit';

export interface LoginLimiters {
	perIp: RateLimiter;
	perAccount: RateLimiter;
}

export type LoginResult =
	| { ok: true; userId: string; hasSecondFactor: boolean }
	| { ok: false; reason: 'invalid' | 'rate_limited' | 'sso_required' };

export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

/**
 * Checks e-mail and password. Unknown address, wrong password and deactivated account give
 * the same answer after the same work, so neither text nor timing reveals an account.
 */
export async function login(
	db: Database,
	input: { email: string; password: string; ip: string | null },
	limiters: LoginLimiters
): Promise<LoginResult> {
	const email = normaliseEmail(input.email);
	const ipKey = input.ip ?? 'unknown';
	const allowed = limiters.perIp.consume(ipKey) && limiters.perAccount.consume(email);
	if (!allowed) return { ok: false, reason: 'rate_limited' };

	const [user] = await db
		.select({ id: users.id, passwordHash: users.passwordHash, hasSecondFactor: hasSecondFactorColumn, deactivatedAt: users.deactivatedAt })
		.from(users)
		.where(eq(sql`lower(${users.email})`, email));
	const valid = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstNothing(input.password);
	if (!user || !valid || user.deactivatedAt) {
		// A failed login of an unknown address is logged without the address (PRIVACY.md).
		await securityLog.record(db, { event: 'login_failure', userId: user?.id ?? null, ip: input.ip });
		return { ok: false, reason: 'invalid' };
	}
	limiters.perAccount.reset(email);
	// Told only to whoever knows the password, so it reveals no account to anyone else.
	if (await mustUseSso(db, user.id)) {
		await securityLog.record(db, { event: 'login_failure', userId: user.id, ip: input.ip });
		return { ok: false, reason: 'sso_required' };
	}
	await securityLog.record(db, { event: 'login_success', userId: user.id, ip: input.ip });
	return { ok: true, userId: user.id, hasSecondFactor: user.hasSecondFactor };
}
