import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';

/** The one database type the domain sees, whichever engine is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Engine = 'postgres' | 'pglite';

export interface DatabaseHandle {
	db: Database;
	engine: Engine;
	/** True when the database answers a trivial query within `timeoutMs`. */
	ping(timeoutMs?: number): Promise<boolean>;
	close(): Promise<void>;
}

export type DatabaseOptions =
	| { engine: 'postgres'; url: string; poolSize?: number; migrationsDir: string }
	/** `dataDir` undefined keeps the database in memory (tests). */
	| { engine: 'pglite'; dataDir?: string; migrationsDir: string };

/** Any constant works; it only has to be the same for every instance of the app. */
const MIGRATION_LOCK_ID = 7_305_919_114;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
	const handle = options.engine === 'postgres' ? openPostgres(options) : await openPglite(options);
	try {
		await handle.migrate();
	} catch (error) {
		await handle.close();
		throw error;
	}
	const { migrate: _migrate, ...rest } = handle;
	return rest;
}

type Opened = DatabaseHandle & { migrate(): Promise<void> };

function openPostgres(options: { url: string; poolSize?: number; migrationsDir: string }): Opened {
	const client = postgres(options.url, {
		max: options.poolSize ?? 10,
		connect_timeout: 5,
		onnotice: () => {}
	});
	const db = drizzlePostgres(client, { schema });
	return {
		db,
		engine: 'postgres',
		ping: (timeoutMs) => pingWith(() => client`select 1`, timeoutMs),
		close: () => client.end({ timeout: 5 }),
		async migrate() {
			// Several instances may start at once: one migrates, the others wait and then find
			// nothing left to do. The lock is held on a reserved connection for the duration.
			const lockConnection = await client.reserve();
			try {
				await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
				try {
					await migratePostgres(db, { migrationsFolder: options.migrationsDir });
				} finally {
					await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
				}
			} finally {
				lockConnection.release();
			}
		}
	};
}

async function openPglite(options: { dataDir?: string; migrationsDir: string }): Promise<Opened> {
	if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
	const client = new PGlite(options.dataDir);
	await client.waitReady;
	const db = drizzlePglite(client, { schema });
	return {
		db,
		engine: 'pglite',
		ping: (timeoutMs) => pingWith(() => client.query('select 1'), timeoutMs),
		close: async () => {
			if (!client.closed) await client.close();
		},
		// One process owns a PGlite folder, so no lock is needed (see docs/architecture.md).
		migrate: () => migratePglite(db, { migrationsFolder: options.migrationsDir })
	};
}

async function pingWith(query: () => Promise<unknown>, timeoutMs = 2000): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<false>((resolve) => {
		timer = setTimeout(() => resolve(false), timeoutMs);
	});
	try {
		return await Promise.race([query().then(() => true), timeout]);
	} catch {
		return false;
	} finally {
		clearTimeout(timer);
	}
}
