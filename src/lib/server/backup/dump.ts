import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../db/client';
import { appliedMigrations } from '../db/migration-levels';
import { rowsOf } from '../db/rows';
import { rowCounts, tablesInLoadOrder } from './catalog';
import { BACKUP_FORMAT, rowLinePrefix, type BackupHeader, type BackupProgress } from './format';

/** Rows fetched from the cursor at a time: memory stays flat however large a table is. */
const FETCH_ROWS = 2000;

/**
 * Writes the whole database as backup lines (format.ts) through `write`, which is given a
 * chunk of whole lines and may wait (back-pressure). Everything is read in one repeatable-read,
 * read-only transaction: on PostgreSQL the running servers go on writing and the backup is
 * still one consistent moment; on PGlite the transaction holds the one connection meanwhile.
 */
export async function writeBackup(
	handle: DatabaseHandle,
	migrationsDir: string,
	write: (chunk: string) => Promise<void>,
	onProgress?: BackupProgress
): Promise<BackupHeader> {
	return handle.db.transaction(
		async (tx) => {
			const tables = await tablesInLoadOrder(tx);
			const counts = await rowCounts(tx, tables);
			const header: BackupHeader = {
				format: BACKUP_FORMAT,
				version: 1,
				createdAt: new Date().toISOString(),
				engine: handle.engine,
				migrations: await appliedMigrations(tx, migrationsDir),
				tables: tables.map((name) => ({ name, rows: counts[name] ?? 0 }))
			};
			await write(`${JSON.stringify(header)}\n`);
			let total = 0;
			for (const table of tables) {
				const prefix = rowLinePrefix(table);
				await tx.execute(sql`declare lesspiegel_backup no scroll cursor for select row_to_json(t)::text as r from ${sql.identifier(table)} t`);
				let done = 0;
				for (;;) {
					const rows = await rowsOf<{ r: string }>(tx, sql`fetch forward ${sql.raw(String(FETCH_ROWS))} from lesspiegel_backup`);
					if (rows.length === 0) break;
					await write(rows.map((row) => `${prefix}${row.r}]\n`).join(''));
					done += rows.length;
					onProgress?.(table, done, counts[table] ?? 0);
				}
				await tx.execute(sql`close lesspiegel_backup`);
				if (done === 0) onProgress?.(table, 0, 0);
				total += done;
			}
			await write(`${JSON.stringify({ end: true, rows: total })}\n`);
			return header;
		},
		{ isolationLevel: 'repeatable read', accessMode: 'read only' }
	);
}
