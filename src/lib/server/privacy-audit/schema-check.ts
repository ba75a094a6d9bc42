import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rowsOf } from '../db/rows';
import { allowedColumns, forbiddenName } from './allowed-columns';
import { check, type Check } from './findings';

/**
 * The database's own catalog against PRIVACY.md's list: every column on the list with its
 * reason, no other, nothing named like a student or device identifier, IP addresses only in the
 * staff security log. The same list the schema-audit test holds the code to.
 */
export async function checkSchema(db: Database): Promise<Check[]> {
	const columns = await rowsOf<{ table: string; column: string }>(
		db,
		sql`select table_name as "table", column_name as "column" from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`
	);
	const unknown = columns.filter((c) => !(c.column in (allowedColumns[c.table] ?? {}))).map((c) => `${c.table}.${c.column}`);
	const named = columns.filter((c) => forbiddenName.test(c.table) || forbiddenName.test(c.column)).map((c) => `${c.table}.${c.column}`);
	const addresses = columns.filter((c) => /(^|_)ip($|_)|address/.test(c.column) && c.table !== 'security_log').map((c) => `${c.table}.${c.column}`);
	const seen = { kind: 'schema', columns: columns.length, tables: new Set(columns.map((c) => c.table)).size } as const;
	return [check('schema.columns', unknown, seen), check('schema.names', named, seen), check('schema.addresses', addresses, seen)];
}
