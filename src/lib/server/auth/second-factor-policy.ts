import { and, eq, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, schools } from '../db/schema';

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

