import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from '../db/client';
import { migrateUpTo, migrationTags } from '../db/migration-levels';
import { rowsOf } from '../db/rows';
import { rowCounts, sequenceColumns, tablesInLoadOrder } from './catalog';
import { BackupError, backupEnd, backupHeader, rowLinePrefix, type BackupHeader, type BackupProgress } from './format';

/** Rows per insert: one JSON parameter each (a batch as separate drizzle parameters costs more CPU to build than to run; docs/performance.md). */
const INSERT_ROWS = 1000;

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Where the schemas being replaced wait until the restored ones are complete. */
const SET_ASIDE = { public: 'lesspiegel_replaced_public', drizzle: 'lesspiegel_replaced_drizzle' } as const;

/**
 * Replaces the database's contents with a backup (format.ts), on either engine. Refused, with
 * nothing changed, when the database holds any row and `force` is not given, and when the
 * backup has migrations this version does not know. Otherwise the current schemas are set
 * aside, the schema is made again up to the backup's migrations, the rows are loaded and
 * counted against the header, and the newer migrations run last, so an old backup arrives in
 * today's schema the way an upgrade would have brought it. Only then are the old schemas
 * dropped; if anything fails (a cut-off file, a row that does not fit), they are put back.
 */
export async function restoreBackup(
	handle: DatabaseHandle,
	migrationsDir: string,
	lines: AsyncIterable<string>,
	options: { force: boolean; onProgress?: BackupProgress }
): Promise<BackupHeader> {
	const iterator = lines[Symbol.asyncIterator]();
	const header = parseHeader((await iterator.next()).value);
	const known = await migrationTags(migrationsDir);
	const unknown = header.migrations.find((tag, i) => known[i] !== tag);
	if (unknown) throw new BackupError(`The backup was made by a newer or another LesSpiegel (migration ${unknown} is not known here): upgrade this installation first.`);
	const { db } = handle;
	if (!options.force) await refuseUnlessEmpty(db);
	if (await schemaExists(db, SET_ASIDE.public)) {
		throw new BackupError(`An earlier restore was interrupted: schema ${SET_ASIDE.public} holds the data from before it. Drop it (or rename it back to public) first.`);
	}
	const hadDrizzle = await schemaExists(db, 'drizzle');
	await db.execute(sql`alter schema public rename to ${sql.identifier(SET_ASIDE.public)}`);
	if (hadDrizzle) await db.execute(sql`alter schema drizzle rename to ${sql.identifier(SET_ASIDE.drizzle)}`);
	await db.execute(sql`create schema public`);
	try {
		await migrateUpTo(handle, migrationsDir, header.migrations.length);
		await db.transaction(async (tx) => {
			await loadRows(tx, header, iterator, options.onProgress);
			await moveSequences(tx);
			const counts = await rowCounts(tx, header.tables.map((t) => t.name));
			const wrong = header.tables.find((t) => counts[t.name] !== t.rows);
			if (wrong) throw new BackupError(`The backup says ${wrong.rows} rows of ${wrong.name}, but ${counts[wrong.name]} were loaded: nothing was restored.`);
		});
		await handle.migrate(migrationsDir);
	} catch (error) {
		await db.execute(sql`drop schema if exists drizzle cascade`);
		await db.execute(sql`drop schema public cascade`);
		await db.execute(sql`alter schema ${sql.identifier(SET_ASIDE.public)} rename to public`);
		if (hadDrizzle) await db.execute(sql`alter schema ${sql.identifier(SET_ASIDE.drizzle)} rename to drizzle`);
		throw error;
	}
	await db.execute(sql`drop schema ${sql.identifier(SET_ASIDE.public)} cascade`);
	if (hadDrizzle) await db.execute(sql`drop schema ${sql.identifier(SET_ASIDE.drizzle)} cascade`);
	return header;
}

async function schemaExists(db: Database, name: string): Promise<boolean> {
	const [row] = await rowsOf<{ present: boolean }>(db, sql`select exists (select 1 from pg_namespace where nspname = ${name}) as present`);
	return row?.present ?? false;
}

function parseHeader(line: string | undefined): BackupHeader {
	let value: unknown;
	try {
		value = JSON.parse(line ?? '');
	} catch {
		throw new BackupError('This is not a LesSpiegel backup: its first line is not a backup header.');
	}
	const parsed = backupHeader.safeParse(value);
	if (!parsed.success) throw new BackupError(`This is not a LesSpiegel backup this version can read (${parsed.error.issues[0]!.path.join('.') || 'header'}: ${parsed.error.issues[0]!.message}).`);
	return parsed.data;
}

async function refuseUnlessEmpty(db: Database) {
	const counts = await rowCounts(db, await tablesInLoadOrder(db));
	const filled = Object.entries(counts).filter(([, n]) => n > 0);
	if (filled.length === 0) return;
	const list = filled.map(([name, n]) => `${name} ${n}`).join(', ');
	throw new BackupError(`The database is not empty (${list}): restore --force replaces everything in it.`);
}

/** Reads row lines in the header's table order, inserting them in chunks; stops at the end line. */
async function loadRows(tx: Transaction, header: BackupHeader, lines: AsyncIterator<string>, onProgress?: BackupProgress) {
	const order = header.tables;
	let index = -1;
	let pending: string[] = [];
	let done = 0;
	let total = 0;
	const flush = async () => {
		if (pending.length === 0) return;
		const table = sql.identifier(order[index]!.name);
		await tx.execute(sql`insert into ${table} select * from json_populate_recordset(null::${table}, ${`[${pending.join(',')}]`}::json)`);
		done += pending.length;
		total += pending.length;
		pending = [];
		onProgress?.(order[index]!.name, done, order[index]!.rows);
	};
	for (let next = await lines.next(); !next.done; next = await lines.next()) {
		const line = next.value;
		if (line.startsWith('{')) {
			await flush();
			const end = backupEnd.safeParse(JSON.parse(line));
			if (!end.success || end.data.rows !== total) throw new BackupError('The backup ends in a way it should not: nothing was restored.');
			return;
		}
		while (index < 0 || !line.startsWith(rowLinePrefix(order[index]!.name))) {
			await flush();
			if (++index >= order.length) throw new BackupError('The backup holds a row of a table its header does not name, or out of order: nothing was restored.');
			done = 0;
		}
		pending.push(line.slice(rowLinePrefix(order[index]!.name).length, -1));
		if (pending.length >= INSERT_ROWS) await flush();
	}
	throw new BackupError('The backup is cut off (it has no end line): nothing was restored.');
}

/** bigserial columns: the next value must come after the restored rows. */
async function moveSequences(tx: Transaction) {
	for (const { table, column } of await sequenceColumns(tx)) {
		const t = sql.identifier(table);
		const c = sql.identifier(column);
		await tx.execute(sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce(max(${c}), 1), max(${c}) is not null) from ${t}`);
	}
}
