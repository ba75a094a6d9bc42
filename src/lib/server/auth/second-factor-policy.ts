import { sql } from 'drizzle-orm';
import { passkeys, users } from '../db/schema';
import type { MembershipWithRules } from '../org/memberships';

/**
 * Who must have a second factor before using the app (ASVS level 2): every admin, and school
 * leaders of the schools that ask for it (the default). A passkey or an authenticator app counts.
 */
export function secondFactorRequired(roles: MembershipWithRules[]): boolean {
	return roles.some((r) => r.role === 'admin' || (r.role === 'school_leader' && r.leadersNeedSecondFactor));
}

/** In a select on `users`: whether the account has a passkey. */
export const hasPasskeyColumn = sql<boolean>`exists (select 1 from ${passkeys} where ${passkeys.userId} = ${users.id})`;

/** In a select on `users`: whether the account has a second factor (an authenticator app or a passkey). */
export const hasSecondFactorColumn = sql<boolean>`(${users.totpKey} is not null or ${hasPasskeyColumn})`;
