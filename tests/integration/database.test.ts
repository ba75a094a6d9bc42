import { eq, sql } from 'drizzle-orm';
import { pgSchema, serial } from 'drizzle-orm/pg-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/client';
import { schools } from '../../src/lib/server/db/schema';
import { createPostgresDatabase, engines, migrationsDir, openTestDatabase, type TestDatabase } from '../helpers/test-db';

describe.each(engines)('database layer on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('applies the migrations and reads back what it wrote', async () => {
		const [created] = await handle.db.insert(schools).values({ name: 'De Regenboog' }).returning();
		const [read] = await handle.db.select().from(schools).where(eq(schools.id, created!.id));
		expect(read).toMatchObject({ name: 'De Regenboog', minGroupSize: 5 });
		expect(handle.engine).toBe(engine);
	});

	it('refuses a minimum group size below 5 (PRIVACY.md S4)', async () => {
		await expect(handle.db.insert(schools).values({ name: 'X', minGroupSize: 4 })).rejects.toThrow();
		await handle.db.insert(schools).values({ name: 'Y', minGroupSize: 7 });
		const [{ n }] = (await handle.db.select({ n: sql<number>`count(*)::int` }).from(schools)) as [{ n: number }];
		expect(n).toBe(1);
	});

	it('answers ping while open and not after close', async () => {
		expect(await handle.ping()).toBe(true);
		await handle.close();
		expect(await handle.ping(500)).toBe(false);
	});
});

/** drizzle-kit's own bookkeeping table: one row per applied migration. */
const appliedMigrations = pgSchema('drizzle').table('__drizzle_migrations', { id: serial('id') });

describe.skipIf(!process.env.TEST_DATABASE_URL)('migrations on a shared PostgreSQL', () => {
	it('let several instances start at once: the advisory lock serialises them', async () => {
		const target = await createPostgresDatabase();
		try {
			const opened = await Promise.all(
				Array.from({ length: 4 }, () =>
					openDatabase({ engine: 'postgres', url: target.url, poolSize: 2, migrationsDir })
				)
			);
			const [first] = opened;
			const [applied] = await first!.db.select({ n: sql<number>`count(*)::int` }).from(appliedMigrations);
			await first!.db.insert(schools).values({ name: 'Gedeeld' });
			await Promise.all(opened.map((h) => h.close()));
			expect(applied!.n).toBeGreaterThan(0);
		} finally {
			await target.drop();
		}
	});
});
