import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Rows for a set-returning `from`, sent as one JSON parameter: `select ... from
 * ${jsonRows(rows)} as r(a uuid, b integer)`. A batch of a thousand counters as separate
 * parameters cost more to build in JavaScript than the statement took to run; one string is
 * the same for both drivers (postgres.js and PGlite).
 */
export function jsonRows(rows: Array<Record<string, string | number>>): SQL {
	return sql`json_to_recordset(${JSON.stringify(rows)}::json)`;
}

/** `column in (...values)` with the values as one JSON parameter, for the same reason. */
export function inJson(column: PgColumn, values: string[]): SQL {
	return sql`${column} in (select value::${sql.raw(column.getSQLType())} from json_array_elements_text(${JSON.stringify(values)}::json))`;
}
