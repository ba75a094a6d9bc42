import type { Config } from '../config';
import { openDatabase, type Database, type DatabaseHandle } from './client';

/**
 * The server's one database, opened at start-up (hooks `init`) and closed on shutdown.
 * Domain modules never import this: they take a `Database` as their first argument, so
 * tests and batch transactions can pass their own.
 */
let current: DatabaseHandle | undefined;

export async function startDatabase(cfg: Config): Promise<DatabaseHandle> {
	current ??= await openDatabase(
		cfg.DATABASE_URL
			? {
					engine: 'postgres',
					url: cfg.DATABASE_URL,
					poolSize: cfg.DB_POOL_SIZE,
					migrationsDir: cfg.MIGRATIONS_DIR
				}
			: { engine: 'pglite', dataDir: cfg.DATA_DIR, migrationsDir: cfg.MIGRATIONS_DIR }
	);
	return current;
}

export function databaseHandle(): DatabaseHandle {
	if (!current) throw new Error('Database used before start-up opened it');
	return current;
}

export function database(): Database {
	return databaseHandle().db;
}

export async function stopDatabase(): Promise<void> {
	const closing = current;
	current = undefined;
	await closing?.close();
}
