import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { appliedMigrations, migrateUpTo, migrationsUpTo, migrationTags } from '../../src/lib/server/db/migration-levels';
import { roundResults } from '../../src/lib/server/reporting/round-results';
import { snapshotTables } from '../helpers/full-school';
import { createPostgresDatabase, engines, migrationsDir } from '../helpers/test-db';

/**
 * Upgrades keep what schools already have: from the oldest committed schema with data in it,
 * every later migration is applied one at a time, and after each one every row written so
 * far is still there with the same value in every column it had (a migration may add
 * columns and rows, never lose or change them). The rows are tests/fixtures/migration-data.
 */

const fixtures = path.resolve('tests/fixtures/migration-data');

type Snapshot = Record<string, Array<Record<string, unknown>>>;

async function snapshot(db: Database): Promise<Snapshot> {
	const text = await snapshotTables(db);
	return Object.fromEntries(Object.entries(text).map(([table, rows]) => [table, rows.map((row) => JSON.parse(row) as Record<string, unknown>)]));
}

/** Rows of `before` that `after` no longer holds with the same value in each of their columns. */
function lostRows(before: Snapshot, after: Snapshot): string[] {
	const lost: string[] = [];
	for (const [table, rows] of Object.entries(before)) {
		const now = after[table] ?? [];
		for (const row of rows) {
			const kept = now.some((candidate) => Object.entries(row).every(([column, value]) => JSON.stringify(candidate[column]) === JSON.stringify(value)));
			if (!kept) lost.push(`${table}: ${JSON.stringify(row)}`);
		}
	}
	return lost;
}

async function runFixture(db: Database, tag: string) {
	const file = path.join(fixtures, `${tag}.sql`);
	expect(existsSync(file), `tests/fixtures/migration-data/${tag}.sql: the rows a database of that version holds (see the README there)`).toBe(true);
	const statements = (await readFile(file, 'utf8'))
		.split('\n')
		.filter((line) => !line.trimStart().startsWith('--'))
		.join('\n')
		.split(/;\s*$/m)
		.map((statement) => statement.trim())
		.filter(Boolean);
	for (const statement of statements) await db.execute(sql.raw(statement));
}

describe.each(engines)('upgrades on %s', (engine) => {
	it('every migration keeps the data of the versions before it', async () => {
		const tags = await migrationTags(migrationsDir);
		const oldest = await migrationsUpTo(migrationsDir, 1);
		const database = engine === 'postgres' ? await createPostgresDatabase() : undefined;
		const handle = await openDatabase(
			database ? { engine, url: database.url, poolSize: 2, migrationsDir: oldest.dir } : { engine: 'pglite', migrationsDir: oldest.dir }
		);
		try {
			let previous: Snapshot = {};
			for (let level = 1; level <= tags.length; level++) {
				await migrateUpTo(handle, migrationsDir, level);
				expect(await appliedMigrations(handle.db, migrationsDir)).toEqual(tags.slice(0, level));
				const migrated = await snapshot(handle.db);
				expect(lostRows(previous, migrated), `rows lost or changed by ${tags[level - 1]}`).toEqual([]);
				await runFixture(handle.db, tags[level - 1]!);
				previous = await snapshot(handle.db);
			}
			expect(Object.values(previous).every((rows) => rows.length > 0), 'every table of the newest schema has rows from some version').toBe(true);
			// The data of the oldest versions still reads as results in today's code.
			const results = await roundResults(handle.db, '70000000-0000-4000-8000-000000000001', 'nl');
			expect(results).toMatchObject({ n: 12, k: 5, shown: true });
			expect(results!.questions.length).toBe(3);
		} finally {
			await handle.close();
			await oldest.remove();
			await database?.drop();
		}
	});
});
