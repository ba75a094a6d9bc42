import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, schools } from '../db/schema';
import type { Membership } from '../policy';

/** A role in a school, with that school's rule on its leaders' second factor. */
export type MembershipWithRules = Membership & { leadersNeedSecondFactor: boolean };

/** The user's roles: read on every staff request, so the second-factor rule comes in the same query. */
export function ofUser(db: Database, userId: string): Promise<MembershipWithRules[]> {
	return db
		.select({ schoolId: memberships.schoolId, role: memberships.role, leadersNeedSecondFactor: schools.leadersNeedSecondFactor })
		.from(memberships)
		.innerJoin(schools, eq(schools.id, memberships.schoolId))
		.where(eq(memberships.userId, userId));
}
