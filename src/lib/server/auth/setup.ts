import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memberships, schools, users } from '../db/schema';
import { hashPassword } from './passwords';

/** First run: with no staff account at all, the setup page creates the first admin and school. */

export async function isComplete(db: Database): Promise<boolean> {
	const [row] = await db.select({ id: users.id }).from(users).limit(1);
	return row !== undefined;
}

export interface FirstAdmin {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
	schoolName: string;
}

/** Returns the new admin's id, or null when setup had already been done (setup is gone for good). */
export async function createFirstAdmin(db: Database, input: FirstAdmin): Promise<string | null> {
	const passwordHash = await hashPassword(input.password);
	return db.transaction(async (tx) => {
		// Two browsers submitting setup at once: the second waits here and then finds a user.
		await tx.execute(sql`select pg_advisory_xact_lock(7305919115)`);
		if (await isComplete(tx)) return null;
		const [school] = await tx.insert(schools).values({ name: input.schoolName }).returning({ id: schools.id });
		const [user] = await tx
			.insert(users)
			.values({
				email: input.email,
				passwordHash,
				firstName: input.firstName || null,
				lastName: input.lastName || null
			})
			.returning({ id: users.id });
		await tx.insert(memberships).values({ userId: user!.id, schoolId: school!.id, role: 'admin' });
		return user!.id;
	});
}
