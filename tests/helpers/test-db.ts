import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle, type Engine } from '../../src/lib/server/db/client';

export const migrationsDir = path.resolve('drizzle');

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL names a server to test against. */
export const engines: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends DatabaseHandle {
	/** The database's own URL (PostgreSQL only), for starting a server on it. */
	url?: string;
	/** Closes the handle and throws the database away. */
	destroy(): Promise<void>;
}

function adminUrl(): string {
	const url = process.env.TEST_DATABASE_URL;
	if (!url) throw new Error('TEST_DATABASE_URL is not set');
	return url;
}

/**
 * A PostgreSQL database of its own for one test, created empty and dropped afterwards, on the
 * PostgreSQL server that `server` names (an admin URL; default TEST_DATABASE_URL).
 */
export async function createPostgresDatabase(server = adminUrl()): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `lesspiegel_test_${randomBytes(6).toString('hex')}`;
	const admin = postgres(server, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`create database ${name}`);
	} finally {
		await admin.end();
	}
	const url = new URL(server);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			const dropper = postgres(server, { max: 1, onnotice: () => {} });
			try {
				await dropper.unsafe(`drop database if exists ${name} with (force)`);
			} finally {
				await dropper.end();
			}
		}
	};
}

let pgliteTemplate: Promise<Blob> | undefined;

/** A migrated empty PGlite, dumped once per test process: loading it is ~3x faster than a fresh start. */
async function migratedPgliteTemplate(): Promise<Blob> {
	const client = new PGlite();
	try {
		await migrate(drizzle(client), { migrationsFolder: migrationsDir });
		return await client.dumpDataDir('none');
	} finally {
		await client.close();
	}
}

/** A migrated, empty database on `engine`: PGlite in memory, or a fresh PostgreSQL database. */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
	if (engine === 'pglite') {
		const template = await (pgliteTemplate ??= migratedPgliteTemplate());
		const handle = await openDatabase({ engine, template, migrationsDir });
		return { ...handle, destroy: () => handle.close() };
	}
	const created = await createPostgresDatabase();
	const handle = await openDatabase({ engine, url: created.url, poolSize: 4, migrationsDir });
	return {
		...handle,
		url: created.url,
		async destroy() {
			await handle.close();
			await created.drop();
		}
	};
}
