import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import { scheduleDaily } from '../daily-job';
import type { DatabaseHandle } from '../db/client';
import { backupToFile } from './files';

type BackupSettings = Pick<Config, 'BACKUP_DIR' | 'BACKUP_KEEP' | 'MIGRATIONS_DIR'>;

const scheduledName = /^lesspiegel-\d{4}-\d{2}-\d{2}\.jsonl\.gz$/;

/**
 * With BACKUP_DIR set, the server writes a backup there every day and keeps the newest
 * BACKUP_KEEP. On the embedded database this is the way to back up while the server runs: no
 * other process may open its folder. Instances that share BACKUP_DIR (the replicas of
 * compose.yaml) write one backup a day between them: the file is named by the day, and an
 * instance that finds it (or another's file being written) leaves it.
 */
export function scheduleBackups(handle: DatabaseHandle, cfg: BackupSettings): () => void {
	if (!cfg.BACKUP_DIR) return () => {};
	return scheduleDaily('backup', () => runScheduledBackup(handle, cfg));
}

/** Today's backup unless it exists, then the oldest beyond BACKUP_KEEP are removed (only files of this schedule). */
export async function runScheduledBackup(handle: DatabaseHandle, cfg: BackupSettings, now = new Date()) {
	const dir = cfg.BACKUP_DIR!;
	await mkdir(dir, { recursive: true, mode: 0o700 });
	const file = `lesspiegel-${now.toISOString().slice(0, 10)}.jsonl.gz`;
	const present = await readdir(dir);
	if (present.includes(file) || present.includes(`${file}.partial`)) return { file, rows: 0, removed: 0, skipped: 'exists' };
	let rows: number;
	try {
		rows = (await backupToFile(handle, cfg.MIGRATIONS_DIR, path.join(dir, file))).tables.reduce((sum, t) => sum + t.rows, 0);
	} catch (error) {
		// Another instance began the same file a moment ago.
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { file, rows: 0, removed: 0, skipped: 'exists' };
		throw error;
	}
	const old = (await readdir(dir)).filter((name) => scheduledName.test(name)).sort().reverse().slice(cfg.BACKUP_KEEP);
	for (const name of old) await rm(path.join(dir, name));
	return { file, rows, removed: old.length };
}
