import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
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
	/** LISTEN on `channel` (a plain lower-case name); resolves once listening, to the function that stops it. */
	listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
	/** Applies the migrations of `migrationsDir` not yet applied (openDatabase does it for the app's own). */
	migrate(migrationsDir: string): Promise<void>;
	close(): Promise<void>;
}

export type DatabaseOptions =
	| { engine: 'postgres'; url: string; poolSize?: number; migrationsDir: string }
	/**
	 * `dataDir` undefined keeps the database in memory (tests); `template`, a dump of another
	 * PGlite database, starts it from that copy (tests reuse one migrated template: much faster).
	 */
	| { engine: 'pglite'; dataDir?: string; template?: Blob; migrationsDir: string };

/** Any constant works; it only has to be the same for every instance of the app. */
const MIGRATION_LOCK_ID = 7_305_919_114;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
	const handle = options.engine === 'postgres' ? openPostgres(options) : await openPglite(options);
	try {
		await handle.migrate(options.migrationsDir);
	} catch (error) {
		await handle.close();
		throw error;
	}
	return handle;
}

/**
 * How long a pooled connection waits before connecting again after a failed attempt:
 * postgres.js's own backoff, capped at 1 s instead of its 20 s. Its wait grows with the
 * failures counted across the pool, so after a few seconds of database restart every connection
 * sat out 10-20 s, and submissions queued behind them that long after the database was back
 * (the fault test saw it). At the cap, a pool of 10 tries at most ~20 times a second per instance.
 */
function reconnectDelaySeconds(failures: number): number {
	return (0.5 + Math.random() / 2) * Math.min(3 ** failures / 100, 1);
}

function openPostgres(options: { url: string; poolSize?: number }): DatabaseHandle {
	const client = postgres(options.url, {
		max: options.poolSize ?? 10,
		connect_timeout: 5,
		backoff: reconnectDelaySeconds,
		onnotice: () => {}
	});
	const db = drizzlePostgres(client, { schema });
	return {
		db,
		engine: 'postgres',
		ping: (timeoutMs) => pingWith(() => client`select 1`, timeoutMs),
		// postgres.js listens on a connection of its own and re-listens after a reconnect.
		listen: async (channel, onPayload) => (await client.listen(channel, onPayload)).unlisten,
		close: () => client.end({ timeout: 5 }),
		async migrate(migrationsFolder) {
			// Several instances may start at once: one migrates, the others wait and then find
			// nothing left to do. A client of one connection holds the lock and runs the
			// migrations, so they work whatever the pool's size (with a pool of one, a reserved
			// lock connection left none for the migrations).
			const migrator = postgres(options.url, { max: 1, connect_timeout: 5, onnotice: () => {} });
			try {
				await migrator`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
				await migratePostgres(drizzlePostgres(migrator), { migrationsFolder });
				await migrator`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
			} finally {
				await migrator.end({ timeout: 5 });
			}
		}
	};
}

async function openPglite(options: { dataDir?: string; template?: Blob }): Promise<DatabaseHandle> {
	const release = options.dataDir ? await lockFolder(options.dataDir) : async () => {};
	let client: PGlite;
	try {
		client = new PGlite(options.dataDir, options.template ? { loadDataDir: options.template } : {});
		await client.waitReady;
	} catch (error) {
		await release();
		throw error;
	}
	const db = drizzlePglite(client, { schema });
	return {
		db,
		engine: 'pglite',
		ping: (timeoutMs) => pingWith(() => client.query('select 1'), timeoutMs),
		listen: async (channel, onPayload) => {
			const unlisten = await client.listen(channel, onPayload);
			// After close there is nothing left to stop listening to.
			return async () => {
				if (!client.closed) await unlisten();
			};
		},
		close: async () => {
			try {
				if (!client.closed) await client.close();
			} finally {
				await release();
			}
		},
		// One process owns a PGlite folder (the lock file sees to it), so no migration lock is needed.
		migrate: (migrationsFolder) => migratePglite(db, { migrationsFolder })
	};
}

export class DatabaseInUseError extends Error {}

/** Lock files this process holds, so its own pid in a lock file is told apart from a reused one. */
const heldLocks = new Set<string>();

/**
 * PGlite has no lock across processes: a second process writing the same folder silently
 * loses data. So the folder gets a lock file holding the owner's pid, created exclusively;
 * a lock whose process is gone (a crash, kill -9) is taken over. Returns its release.
 */
async function lockFolder(dataDir: string): Promise<() => Promise<void>> {
	await mkdir(dataDir, { recursive: true });
	const lockFile = path.join(dataDir, 'lesspiegel.lock');
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const file = await open(lockFile, 'wx');
			heldLocks.add(lockFile);
			await file.writeFile(String(process.pid));
			await file.close();
			return async () => {
				if (heldLocks.delete(lockFile)) await rm(lockFile, { force: true });
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
		if (owner > 0 && ownerIsAlive(lockFile, owner)) {
			throw new DatabaseInUseError(
				`The embedded database in ${dataDir} is in use by process ${owner} (stop the server first, or set DATABASE_URL)`
			);
		}
		// Stale: its process is gone. Another process taking it over at the same moment wins
		// the exclusive create of the next attempt, and this one then finds it alive.
		await rm(lockFile, { force: true });
	}
	throw new DatabaseInUseError(`The embedded database in ${dataDir} could not be locked (stop the server first, or set DATABASE_URL)`);
}

function ownerIsAlive(lockFile: string, pid: number): boolean {
	// Our own pid in a lock we do not hold was left by an earlier life of a reused pid
	// (in a container the server is always pid 1).
	if (pid === process.pid) return heldLocks.has(lockFile);
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
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
