import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rowsOf } from '../db/rows';

/**
 * The tables of a database as its own catalog has them, not as today's schema.ts does: a
 * backup made by an older version holds the tables of the migrations it had, and is loaded
 * into exactly that schema before the newer migrations run.
 */

type Executor = Pick<Database, 'execute'>;

/** Every table of the public schema, each after the tables its foreign keys point at. */
export async function tablesInLoadOrder(db: Executor): Promise<string[]> {
	const tables = await rowsOf<{ name: string }>(
		db,
		sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = 'public' and c.relkind = 'r' order by c.relname`
	);
	const edges = await rowsOf<{ child: string; parent: string }>(
		db,
		sql`select child.relname as child, parent.relname as parent from pg_constraint k
			join pg_class child on child.oid = k.conrelid
			join pg_class parent on parent.oid = k.confrelid
			join pg_namespace n on n.oid = child.relnamespace
			where k.contype = 'f' and n.nspname = 'public' and child.oid <> parent.oid`
	);
	const parents = new Map(tables.map((t) => [t.name, new Set<string>()]));
	for (const edge of edges) parents.get(edge.child)?.add(edge.parent);
	const ordered: string[] = [];
	const placed = new Set<string>();
	const place = (name: string, path: string[]) => {
		if (placed.has(name)) return;
		if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' -> ')}`);
		for (const parent of parents.get(name) ?? []) place(parent, [...path, name]);
		placed.add(name);
		ordered.push(name);
	};
	for (const { name } of tables) place(name, []);
	return ordered;
}

/** Rows per table, in one statement (so inside a snapshot they agree with each other). */
export async function rowCounts(db: Executor, tables: string[]): Promise<Record<string, number>> {
	if (tables.length === 0) return {};
	const counts = sql.join(
		tables.map((table) => sql`select ${table} as name, count(*)::int as n from ${sql.identifier(table)}`),
		sql` union all `
	);
	const rows = await rowsOf<{ name: string; n: number }>(db, counts);
	return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}

/** Columns filled from a sequence (bigserial), whose sequence must move past restored rows. */
export async function sequenceColumns(db: Executor): Promise<Array<{ table: string; column: string }>> {
	return rowsOf(
		db,
		sql`select c.relname as table, a.attname as column from pg_attribute a
			join pg_class c on c.oid = a.attrelid
			join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
				and pg_get_serial_sequence(quote_ident(c.relname), a.attname) is not null`
	);
}
