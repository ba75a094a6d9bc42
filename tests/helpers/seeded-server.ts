import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database, type Engine } from '../../src/lib/server/db/client';
import { startServer, type RunningServer } from './server';
import { createPostgresDatabase, migrationsDir } from './test-db';

export interface SeededServer<T> {
	server: RunningServer;
	seed: T;
	/** The server's DATABASE_URL (PostgreSQL only), for starting another process on it. */
	databaseUrl?: string;
	/** Opens the server's database after the server stopped (PGlite) or beside it (PostgreSQL). */
	inspect<R>(read: (db: Database) => Promise<R>): Promise<R>;
	/** `inspect`, then the server runs again (on PGlite a new process, on the same PORT if one was given). */
	peek<R>(read: (db: Database) => Promise<R>): Promise<R>;
	destroy(): Promise<void>;
}

/**
 * The real built server on a database of `engine`, filled by `seed` first. PGlite allows one
 * process per folder, so the seed runs before the server starts and `inspect` after it stops.
 * On PostgreSQL the database is made on `postgresServer` (an admin URL; default TEST_DATABASE_URL).
 */
export async function startSeededServer<T>(
	engine: Engine,
	seed: (db: Database) => Promise<T>,
	env: Record<string, string> = {},
	postgresServer?: string
): Promise<SeededServer<T>> {
	if (engine === 'pglite') {
		const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-seeded-'));
		const handle = await openDatabase({ engine, dataDir, migrationsDir });
		const seeded = await seed(handle.db).finally(() => handle.close());
		const seededServer: SeededServer<T> = {
			server: await startServer({ DATA_DIR: dataDir, ...env }),
			seed: seeded,
			async inspect(read) {
				await seededServer.server.stop();
				const reopened = await openDatabase({ engine, dataDir, migrationsDir });
				try {
					return await read(reopened.db);
				} finally {
					await reopened.close();
				}
			},
			async peek(read) {
				try {
					return await seededServer.inspect(read);
				} finally {
					seededServer.server = await startServer({ DATA_DIR: dataDir, ...env });
				}
			},
			async destroy() {
				await seededServer.server.stop();
				await rm(dataDir, { recursive: true, force: true });
			}
		};
		return seededServer;
	}
	const database = await createPostgresDatabase(postgresServer);
	const handle = await openDatabase({ engine, url: database.url, poolSize: 2, migrationsDir });
	try {
		const seeded = await seed(handle.db);
		const server = await startServer({ DATABASE_URL: database.url, ...env });
		return {
			server,
			seed: seeded,
			databaseUrl: database.url,
			inspect: (read) => read(handle.db),
			peek: (read) => read(handle.db),
			async destroy() {
				await server.stop();
				await handle.close();
				await database.drop();
			}
		};
	} catch (error) {
		await handle.close();
		await database.drop();
		throw error;
	}
}
