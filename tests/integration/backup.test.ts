import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backupLines, backupToFile } from '../../src/lib/server/backup/files';
import { BackupError } from '../../src/lib/server/backup/format';
import { copyDatabase } from '../../src/lib/server/backup/move';
import { restoreBackup } from '../../src/lib/server/backup/restore';
import { runScheduledBackup } from '../../src/lib/server/backup/schedule';
import { openDatabase } from '../../src/lib/server/db/client';
import { appliedMigrations, migrationsUpTo, migrationTags } from '../../src/lib/server/db/migration-levels';
import { schools } from '../../src/lib/server/db/schema';
import { fillEveryTable, snapshotTables } from '../helpers/full-school';
import { engines, migrationsDir, openTestDatabase, type TestDatabase } from '../helpers/test-db';

let folder: string;
beforeAll(async () => {
	folder = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-backup-'));
});
afterAll(async () => {
	await rm(folder, { recursive: true, force: true });
});
const fileNamed = (name: string) => path.join(folder, `${name}-${Math.random().toString(36).slice(2)}.jsonl.gz`);

describe.each(engines)('backup and restore on %s', (engine) => {
	let source: TestDatabase;
	let target: TestDatabase;
	beforeEach(async () => {
		source = await openTestDatabase(engine);
		target = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await source.destroy();
		await target.destroy();
	});

	it('a database with staff, rounds and counters comes back exactly, every table', async () => {
		await fillEveryTable(source.db);
		const before = await snapshotTables(source.db);
		for (const [table, rows] of Object.entries(before)) expect(rows.length, `${table} has rows to back up`).toBeGreaterThan(0);

		const file = fileNamed('full');
		const progress: string[] = [];
		const header = await backupToFile(source, migrationsDir, file, (table, done, total) => done === total && progress.push(table));
		expect(header.migrations).toEqual(await migrationTags(migrationsDir));
		expect(progress.sort()).toEqual(Object.keys(before).sort());
		// Staff e-mail addresses and password hashes: for the owner's eyes only.
		expect((await stat(file)).mode & 0o777).toBe(0o600);

		await restoreBackup(target, migrationsDir, backupLines(file), { force: false });
		expect(await snapshotTables(target.db)).toEqual(before);
		expect(await appliedMigrations(target.db, migrationsDir)).toEqual(await migrationTags(migrationsDir));
		// The security log's sequence moved past the restored rows: the next entry gets a new id.
		await target.db.execute(sql`insert into security_log (event) values ('logout')`);
	});

	it('refuses a database that holds anything, unless --force, which replaces it all', async () => {
		await fillEveryTable(source.db);
		const file = fileNamed('force');
		await backupToFile(source, migrationsDir, file);
		await target.db.insert(schools).values({ name: 'Bestaande school' });
		await expect(restoreBackup(target, migrationsDir, backupLines(file), { force: false })).rejects.toThrow(/not empty \(schools 1\).*--force/);
		expect(await target.db.select({ name: schools.name }).from(schools)).toEqual([{ name: 'Bestaande school' }]);

		await restoreBackup(target, migrationsDir, backupLines(file), { force: true });
		expect(await snapshotTables(target.db)).toEqual(await snapshotTables(source.db));
	});

	it('a cut-off or foreign file changes nothing, even with --force', async () => {
		await fillEveryTable(source.db);
		const file = fileNamed('whole');
		await backupToFile(source, migrationsDir, file);
		await target.db.insert(schools).values({ name: 'Blijft staan' });
		const before = await snapshotTables(target.db);

		const lines = gunzipSync(await readFile(file)).toString().split('\n');
		const cut = fileNamed('cut');
		await writeFile(cut, gzipSync(lines.slice(0, Math.floor(lines.length / 2)).join('\n')));
		await expect(restoreBackup(target, migrationsDir, backupLines(cut), { force: true })).rejects.toThrow(/cut off/);
		const truncatedGzip = fileNamed('truncated-gzip');
		const whole = await readFile(file);
		await writeFile(truncatedGzip, whole.subarray(0, whole.length - 100));
		await expect(restoreBackup(target, migrationsDir, backupLines(truncatedGzip), { force: true })).rejects.toThrow(BackupError);
		const notOurs = fileNamed('other');
		await writeFile(notOurs, gzipSync('{"hello":"world"}\n'));
		await expect(restoreBackup(target, migrationsDir, backupLines(notOurs), { force: true })).rejects.toThrow(/not a LesSpiegel backup/);
		const plain = fileNamed('plain');
		await writeFile(plain, 'select 1;\n');
		await expect(restoreBackup(target, migrationsDir, backupLines(plain), { force: true })).rejects.toThrow(BackupError);
		// A count that does not match the header: one row line taken out, the end line fixed up.
		const dropped = lines.findIndex((line) => line.startsWith('["security_log"'));
		const missing = lines.filter((_, i) => i !== dropped);
		const withEnd = missing.map((line) => (line.startsWith('{"end"') ? JSON.stringify({ end: true, rows: missing.length - 3 }) : line));
		const short = fileNamed('short');
		await writeFile(short, gzipSync(withEnd.join('\n')));
		await expect(restoreBackup(target, migrationsDir, backupLines(short), { force: true })).rejects.toThrow(BackupError);

		expect(await snapshotTables(target.db)).toEqual(before);
		expect(await appliedMigrations(target.db, migrationsDir)).toEqual(await migrationTags(migrationsDir));
	});

	it('refuses a backup of a newer version, and never overwrites a file', async () => {
		const file = fileNamed('newer');
		const header = await backupToFile(source, migrationsDir, file);
		await expect(backupToFile(source, migrationsDir, file)).rejects.toThrow(/exists already/);
		const lines = gunzipSync(await readFile(file)).toString().split('\n');
		lines[0] = JSON.stringify({ ...header, migrations: [...header.migrations, '9999_from_the_future'] });
		await writeFile(file, gzipSync(lines.join('\n')));
		await expect(restoreBackup(target, migrationsDir, backupLines(file), { force: true })).rejects.toThrow(/9999_from_the_future.*upgrade this installation first/);
	});
});

describe('daily backups by the server', () => {
	it('writes a dated backup to BACKUP_DIR and keeps the newest BACKUP_KEEP', async () => {
		const handle = await openTestDatabase('pglite');
		const dir = path.join(folder, `daily-${Math.random().toString(36).slice(2)}`);
		try {
			await handle.db.insert(schools).values({ name: 'Elke dag' });
			const cfg = { BACKUP_DIR: dir, BACKUP_KEEP: 2, MIGRATIONS_DIR: migrationsDir };
			const runs = [];
			for (const day of ['2026-12-01', '2026-12-02', '2026-12-03']) runs.push(await runScheduledBackup(handle, cfg, new Date(`${day}T02:00:00.000Z`)));
			expect(runs.map((r) => r.removed)).toEqual([0, 0, 1]);
			// A second instance on the same folder, or a restart, the same day: one backup a day.
			expect(await runScheduledBackup(handle, cfg, new Date('2026-12-03T14:00:00.000Z'))).toMatchObject({ skipped: 'exists' });
			await writeFile(path.join(dir, 'notes.txt'), 'not a backup: left alone');
			expect((await readdir(dir)).sort()).toEqual(['lesspiegel-2026-12-02.jsonl.gz', 'lesspiegel-2026-12-03.jsonl.gz', 'notes.txt']);
			expect((await stat(dir)).mode & 0o777).toBe(0o700);
			const target = await openTestDatabase('pglite');
			try {
				await restoreBackup(target, migrationsDir, backupLines(path.join(dir, runs[2]!.file)), { force: false });
				expect(await target.db.select({ name: schools.name }).from(schools)).toEqual([{ name: 'Elke dag' }]);
			} finally {
				await target.destroy();
			}
		} finally {
			await handle.destroy();
		}
	});
});

describe('an old backup', () => {
	it('is restored into the schema it was made from, then migrated forward', async () => {
		const oldest = await migrationsUpTo(migrationsDir, 1);
		const old = await openDatabase({ engine: 'pglite', migrationsDir: oldest.dir });
		const target = await openTestDatabase('pglite');
		try {
			await old.db.execute(sql`insert into schools (name) values ('School van toen')`);
			expect(await appliedMigrations(old.db, migrationsDir)).toEqual(['0000_init']);
			const file = fileNamed('old');
			await backupToFile(old, migrationsDir, file);
			await restoreBackup(target, migrationsDir, backupLines(file), { force: false });
			expect(await target.db.select({ name: schools.name }).from(schools)).toEqual([{ name: 'School van toen' }]);
			expect(await appliedMigrations(target.db, migrationsDir)).toEqual(await migrationTags(migrationsDir));
		} finally {
			await old.close();
			await target.destroy();
			await oldest.remove();
		}
	});
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('moving from the embedded database to PostgreSQL', () => {
	it('copies every table into an empty PostgreSQL database, and refuses a filled one', async () => {
		const embedded = await openTestDatabase('pglite');
		const server = await openTestDatabase('postgres');
		try {
			await fillEveryTable(embedded.db);
			await copyDatabase(embedded, server, migrationsDir, { force: false });
			expect(await snapshotTables(server.db)).toEqual(await snapshotTables(embedded.db));
			await expect(copyDatabase(embedded, server, migrationsDir, { force: false })).rejects.toThrow(/not empty/);
		} finally {
			await embedded.destroy();
			await server.destroy();
		}
	});
});
