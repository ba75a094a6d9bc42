import { sql, type SQL } from 'drizzle-orm';

/**
 * Rows for a set-returning `from`, sent as one JSON parameter: `select ... from
 * ${jsonRows(rows)} as r(a uuid, b integer)`. A batch of a thousand counters as separate
 * parameters cost more to build in JavaScript than the statement took to run; one string is
 * the same for both drivers (postgres.js and PGlite).
 */
export function jsonRows(rows: Array<Record<string, string | number>>): SQL {
	return sql`json_to_recordset(${JSON.stringify(rows)}::json)`;
}
