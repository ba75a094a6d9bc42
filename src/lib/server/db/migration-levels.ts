import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from './client';
import { rowsOf } from './rows';

/**
 * Which of the committed migrations (drizzle-kit's journal in `drizzle/meta/_journal.json`) a
 * database has, and migrating one to a given level rather than to the newest: a backup is
 * restored into the schema it was made from and then migrated forward, and the upgrade test
 * starts from the oldest schema.
 */

interface JournalEntry {
	tag: string;
	when: number;
}

interface Journal {
	entries: JournalEntry[];
}

async function readJournal(migrationsDir: string): Promise<Journal> {
	return JSON.parse(await readFile(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as Journal;
}

/** The tags of the committed migrations, oldest first (`0000_init`, ...). */
export async function migrationTags(migrationsDir: string): Promise<string[]> {
	return (await readJournal(migrationsDir)).entries.map((entry) => entry.tag);
}

/**
 * The tags of the migrations the database has applied. drizzle records each one's journal
 * time in `drizzle.__drizzle_migrations`; a database with no such table has none.
 */
export async function appliedMigrations(db: Pick<Database, 'execute'>, migrationsDir: string): Promise<string[]> {
	const [exists] = await rowsOf<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
	if (!exists?.present) return [];
	const applied = await rowsOf<{ when: string }>(db, sql`select created_at::text as when from drizzle.__drizzle_migrations order by created_at`);
	const byTime = new Map((await readJournal(migrationsDir)).entries.map((entry) => [String(entry.when), entry.tag]));
	return applied.map((row) => byTime.get(row.when) ?? `unknown migration of ${new Date(Number(row.when)).toISOString()}`);
}

/**
 * A copy of the migrations folder that ends after the first `count` migrations: drizzle applies
 * whatever a folder's journal lists, so this is how a database is brought to an older schema.
 */
export async function migrationsUpTo(migrationsDir: string, count: number): Promise<{ dir: string; remove(): Promise<void> }> {
	const journal = await readJournal(migrationsDir);
	if (count > journal.entries.length) throw new Error(`there are only ${journal.entries.length} migrations, not ${count}`);
	const dir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-migrations-'));
	await cp(migrationsDir, dir, { recursive: true });
	await writeFile(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
	return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Applies the committed migrations up to and including the first `count`, and no later one. */
export async function migrateUpTo(handle: DatabaseHandle, migrationsDir: string, count: number): Promise<void> {
	const partial = await migrationsUpTo(migrationsDir, count);
	try {
		await handle.migrate(partial.dir);
	} finally {
		await partial.remove();
	}
}
