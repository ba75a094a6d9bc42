import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config } from '../config';

/**
 * The key that seals held answers (answer-pool.ts). It must never be in the database: what the
 * database and its log hold of a held submission is only readable with it. ANSWER_POOL_KEY when
 * set (instances sharing a database must share it); otherwise a key file made once in DATA_DIR,
 * beside the embedded database but not in it (a backup made by `npm run cli -- backup` does not
 * hold it).
 */

export const KEY_FILE = 'answer-pool.key';

let cached: Buffer | undefined;

export function poolKey(): Buffer {
	cached ??= load();
	return cached;
}

function load(): Buffer {
	const { ANSWER_POOL_KEY, DATA_DIR } = config();
	if (ANSWER_POOL_KEY) return Buffer.from(ANSWER_POOL_KEY, 'base64url');
	const file = path.join(DATA_DIR, KEY_FILE);
	return readKeyFile(file) ?? createKeyFile(file);
}

function readKeyFile(file: string): Buffer | undefined {
	let text: string;
	try {
		text = readFileSync(file, 'utf8').trim();
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
	if (!/^[A-Za-z0-9_-]{43}$/.test(text)) throw new Error(`${file} does not hold a key (32 bytes in base64url): restore it from where it was backed up`);
	return Buffer.from(text, 'base64url');
}

/**
 * Written whole under a temporary name and then linked into place, which fails if the file
 * exists: of processes starting together (the server and a CLI, test workers) all end up with
 * the one key that won.
 */
function createKeyFile(file: string): Buffer {
	mkdirSync(path.dirname(file), { recursive: true });
	const temporary = `${file}.${process.pid}.${Date.now()}`;
	writeFileSync(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
	try {
		linkSync(temporary, file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	} finally {
		rmSync(temporary, { force: true });
	}
	return readKeyFile(file)!;
}
