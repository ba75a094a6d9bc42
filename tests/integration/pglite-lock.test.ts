import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { schools } from '../../src/lib/server/db/schema';
import { migrationsDir } from '../helpers/test-db';

/** PGlite has no lock across processes, so openDatabase keeps one in the data folder. */
describe('the embedded database folder lock', () => {
	let dataDir: string;
	let lockFile: string;
	const opened: DatabaseHandle[] = [];
	const open = async () => {
		const handle = await openDatabase({ engine: 'pglite', dataDir, migrationsDir });
		opened.push(handle);
		return handle;
	};
	beforeEach(() => {
		dataDir = mkdtempSync(path.join(tmpdir(), 'lesspiegel-lock-'));
		lockFile = path.join(dataDir, 'lesspiegel.lock');
	});
	afterEach(async () => {
		await Promise.all(opened.splice(0).map((h) => h.close()));
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('refuses a second open while the first is open, and allows it after close', async () => {
		const first = await open();
		expect(readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
		await expect(open()).rejects.toThrow(
			`The embedded database in ${dataDir} is in use by process ${process.pid} (stop the server first, or set DATABASE_URL)`
		);
		await first.db.insert(schools).values({ name: 'De Regenboog' });
		await first.close();
		expect(existsSync(lockFile)).toBe(false);

		const second = await open();
		expect(await second.db.select({ name: schools.name }).from(schools)).toEqual([{ name: 'De Regenboog' }]);
	});

	it('refuses while another live process holds the lock', async () => {
		writeFileSync(lockFile, String(process.ppid));
		await expect(open()).rejects.toThrow(`in use by process ${process.ppid}`);
		expect(readFileSync(lockFile, 'utf8')).toBe(String(process.ppid));
	});

	it('takes over a stale lock whose process is gone', async () => {
		const dead = spawnSync(process.execPath, ['-e', '0']);
		expect(dead.pid).toBeGreaterThan(0);
		writeFileSync(lockFile, String(dead.pid));
		const handle = await open();
		expect(readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
		expect(await handle.ping()).toBe(true);
	});

	it('leaves in-memory databases alone', async () => {
		const a = await openDatabase({ engine: 'pglite', migrationsDir });
		const b = await openDatabase({ engine: 'pglite', migrationsDir });
		opened.push(a, b);
		expect(await a.ping()).toBe(true);
		expect(await b.ping()).toBe(true);
	});
});
