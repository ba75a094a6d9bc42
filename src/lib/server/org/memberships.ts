import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships } from '../db/schema';
import type { Membership } from '../policy';

export function ofUser(db: Database, userId: string): Promise<Membership[]> {
	return db.select({ schoolId: memberships.schoolId, role: memberships.role }).from(memberships).where(eq(memberships.userId, userId));
}
