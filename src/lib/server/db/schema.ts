import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A school: the controller in the processor agreement. `minGroupSize` is PRIVACY.md's k:
 * a school may raise it, never below 5.
 */
export const schools = pgTable(
	'schools',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		minGroupSize: integer('min_group_size').notNull().default(5),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('schools_min_group_size_at_least_5', sql`${t.minGroupSize} >= 5`)]
);
