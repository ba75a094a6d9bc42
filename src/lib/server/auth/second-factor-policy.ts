import { and, eq, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, passkeys, schools, users } from '../db/schema';

/**
 * Who must have a second factor before using the app (ASVS level 2): every admin, and school
 * leaders of the schools that ask for it (the default). A passkey or an authenticator app counts.
 */
export async function secondFactorRequired(db: Database, userId: string): Promise<boolean> {
	const rows = await db
		.select({ one: sql<number>`1` })
		.from(memberships)
		.innerJoin(schools, eq(schools.id, memberships.schoolId))
		.where(
			and(
				eq(memberships.userId, userId),
				or(eq(memberships.role, 'admin'), and(eq(memberships.role, 'school_leader'), eq(schools.leadersNeedSecondFactor, true)))
			)
		)
		.limit(1);
	return rows.length > 0;
}


/** In a select on `users`: whether the account has a passkey. */
export const hasPasskeyColumn = sql<boolean>`exists (select 1 from ${passkeys} where ${passkeys.userId} = ${users.id})`;

/** In a select on `users`: whether the account has a second factor (an authenticator app or a passkey). */
export const hasSecondFactorColumn = sql<boolean>`(${users.totpKey} is not null or ${hasPasskeyColumn})`;
