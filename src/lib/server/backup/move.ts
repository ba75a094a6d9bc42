import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseHandle } from '../db/client';
import { backupLines, backupToFile } from './files';
import type { BackupHeader, BackupProgress } from './format';
import { restoreBackup } from './restore';

/**
 * Copies everything in `source` into `target` (the embedded database into a PostgreSQL
 * server, say) through a backup file in a private temporary folder, which is removed after:
 * the same two steps a school would take by hand, with the same checks.
 */
export async function copyDatabase(
	source: DatabaseHandle,
	target: DatabaseHandle,
	migrationsDir: string,
	options: { force: boolean; onProgress?: (step: 'backup' | 'restore', ...progress: Parameters<BackupProgress>) => void }
): Promise<BackupHeader> {
	const folder = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-move-'));
	try {
		const file = path.join(folder, 'backup.jsonl.gz');
		await backupToFile(source, migrationsDir, file, (...p) => options.onProgress?.('backup', ...p));
		return await restoreBackup(target, migrationsDir, backupLines(file), {
			force: options.force,
			onProgress: (...p) => options.onProgress?.('restore', ...p)
		});
	} finally {
		await rm(folder, { recursive: true, force: true });
	}
}
