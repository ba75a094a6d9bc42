import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import type { DatabaseHandle } from '../db/client';
import { writeBackup } from './dump';
import { BackupError, type BackupHeader, type BackupProgress } from './format';

/**
 * Backup files: gzip, readable by the owner only (they hold staff e-mail addresses and
 * password hashes), written under a temporary name and renamed when complete, so a file with
 * the final name is always a whole backup.
 */
export async function backupToFile(handle: DatabaseHandle, migrationsDir: string, file: string, onProgress?: BackupProgress): Promise<BackupHeader> {
	if (await exists(file)) throw new BackupError(`${file} exists already: choose another name (a backup never overwrites one).`);
	const partial = `${file}.partial`;
	// Exclusive create: two backups to the same name do not write into one file.
	await (await open(partial, 'wx', 0o600)).close();
	const gzip = createGzip();
	const out = createWriteStream(partial, { mode: 0o600 });
	const piped = new Promise<void>((resolve, reject) => {
		out.once('finish', resolve).once('error', reject);
		gzip.once('error', reject);
	});
	gzip.pipe(out);
	try {
		const header = await writeBackup(
			handle,
			migrationsDir,
			async (chunk) => {
				if (!gzip.write(chunk)) await once(gzip, 'drain');
			},
			onProgress
		);
		gzip.end();
		await piped;
		await rename(partial, file);
		return header;
	} catch (error) {
		gzip.destroy();
		out.destroy();
		await rm(partial, { force: true });
		throw error;
	}
}

/** The lines of a backup file; a file that is not gzip, or is cut off, fails with BackupError. */
export async function* backupLines(file: string): AsyncGenerator<string> {
	if (!(await exists(file))) throw new BackupError(`There is no file ${file}.`);
	const gunzip = createGunzip();
	const input = createReadStream(file).pipe(gunzip);
	try {
		yield* createInterface({ input, crlfDelay: Infinity });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new BackupError(`${file} is not a whole LesSpiegel backup (${(error as Error).message}).`);
		throw error;
	} finally {
		input.destroy();
	}
}

async function exists(file: string): Promise<boolean> {
	return access(file).then(
		() => true,
		() => false
	);
}
