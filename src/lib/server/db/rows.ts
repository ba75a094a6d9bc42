import type { SQL } from 'drizzle-orm';
import type { Database } from './client';

/** The rows of a raw statement, whichever driver ran it: postgres.js returns them as an array, PGlite as `{ rows }`. */
export async function rowsOf<T>(db: Pick<Database, 'execute'>, query: SQL): Promise<T[]> {
	const result: unknown = await db.execute(query);
	return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
