import path from 'node:path';
import { backupLines, backupToFile } from '../lib/server/backup/files';
import type { BackupHeader, BackupProgress } from '../lib/server/backup/format';
import { copyDatabase } from '../lib/server/backup/move';
import { restoreBackup } from '../lib/server/backup/restore';
import type { Config } from '../lib/server/config';
import { openDatabase, type DatabaseHandle } from '../lib/server/db/client';
import { CliError } from './errors';

/** The backup commands of the command line; the work is in lib/server/backup. */

/** One line per table once it is done, and every 50,000 rows of a large one. */
function progress(verb: string): BackupProgress {
	return (table, done, total) => {
		if (done === total || done % 50_000 < 2000) console.log(`${verb} ${table}: ${done}/${total} rows`);
	};
}

const totalRows = (header: BackupHeader) => header.tables.reduce((sum, t) => sum + t.rows, 0);

export async function backup(handle: DatabaseHandle, cfg: Config, file: string): Promise<string> {
	const header = await backupToFile(handle, cfg.MIGRATIONS_DIR, path.resolve(file), progress('Backed up'));
	return `Backup written to ${path.resolve(file)}: ${totalRows(header)} rows in ${header.tables.length} tables, as of ${header.createdAt}.`;
}

export async function restore(handle: DatabaseHandle, cfg: Config, file: string, force: boolean): Promise<string> {
	const header = await restoreBackup(handle, cfg.MIGRATIONS_DIR, backupLines(path.resolve(file)), { force, onProgress: progress('Restored') });
	return `Restored ${totalRows(header)} rows in ${header.tables.length} tables from the backup of ${header.createdAt} (${header.engine}).`;
}

export async function moveToPostgres(source: DatabaseHandle, cfg: Config, force: boolean): Promise<string> {
	if (source.engine !== 'pglite') throw new CliError('move-to-postgres copies the embedded database: unset DATABASE_URL (the data is already on PostgreSQL).', 2);
	const targetUrl = cfg.TARGET_DATABASE_URL;
	if (!targetUrl) throw new CliError('Set TARGET_DATABASE_URL to the postgres:// URL of the (empty) database to move to.', 2);
	const target = await openDatabase({ engine: 'postgres', url: targetUrl, poolSize: 2, migrationsDir: cfg.MIGRATIONS_DIR });
	try {
		const header = await copyDatabase(source, target, cfg.MIGRATIONS_DIR, {
			force,
			onProgress: (step, ...rest) => progress(step === 'backup' ? 'Read' : 'Wrote')(...rest)
		});
		return `Moved ${totalRows(header)} rows in ${header.tables.length} tables to PostgreSQL. Start the server with DATABASE_URL set to TARGET_DATABASE_URL; ${cfg.DATA_DIR} is left as it was.`;
	} finally {
		await target.close();
	}
}
