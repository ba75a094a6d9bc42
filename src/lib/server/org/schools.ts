import { inArray } from 'drizzle-orm';
import type { Database } from '../db/client';
import { schools } from '../db/schema';
import { rolesIn, type Actor } from '../policy';

/** The schools the actor has a role in, with those roles, by name. */
export async function listForActor(db: Database, actor: Actor) {
	const ids = [...new Set(actor.memberships.map((m) => m.schoolId))];
	if (ids.length === 0) return [];
	const rows = await db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, ids));
	return rows
		.map((school) => ({ ...school, roles: rolesIn(actor, school.id) }))
		.sort((a, b) => a.name.localeCompare(b.name, 'nl'));
}
