import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedColumns, forbiddenName } from '../../src/lib/server/privacy-audit/allowed-columns';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/**
 * PRIVACY.md's list of columns (`allowedColumns`, each with the reason it may exist) is the
 * one the school's privacy self-test also checks its own database against.
 */

describe.each(engines)('schema audit on %s', (engine) => {
	let handle: TestDatabase;
	let columns: Array<{ table: string; column: string }>;
	beforeAll(async () => {
		handle = await openTestDatabase(engine);
		columns = await handle.db
			.select({ table: sql<string>`table_name`, column: sql<string>`column_name` })
			.from(sql`information_schema.columns`)
			.where(sql`table_schema = 'public'`);
	});
	afterAll(async () => {
		await handle.destroy();
	});

	it('holds no table the audit does not know', () => {
		const tables = new Set(columns.map((c) => c.table));
		expect([...tables].sort()).toEqual(Object.keys(allowedColumns).sort());
	});

	it('holds no column beyond the allowed staff data and anonymous data', () => {
		const unexpected = columns.filter((c) => !(c.column in (allowedColumns[c.table] ?? {})));
		expect(unexpected).toEqual([]);
		const missing = Object.entries(allowedColumns).flatMap(([table, cols]) =>
			Object.keys(cols)
				.filter((column) => !columns.some((c) => c.table === table && c.column === column))
				.map((column) => ({ table, column }))
		);
		expect(missing).toEqual([]);
	});

	it('has no table or column named like a student or device identifier', () => {
		expect(columns.filter((c) => forbiddenName.test(c.table) || forbiddenName.test(c.column))).toEqual([]);
	});

	it('S2: answers exist only as counters, with no time, order or submission key', () => {
		const answerTables = ['answer_counts', 'round_tallies', 'published_counts'];
		const answerColumns = columns.filter((c) => answerTables.includes(c.table)).map((c) => `${c.table}.${c.column}`);
		expect(answerColumns.sort()).toEqual(
			[
				'answer_counts.choice',
				'answer_counts.n',
				'answer_counts.question_id',
				'answer_counts.round_id',
				'published_counts.choice',
				'published_counts.n',
				'published_counts.question_id',
				'published_counts.round_id',
				'round_tallies.n',
				'round_tallies.published_n',
				'round_tallies.round_id'
			].sort()
		);
	});

	it('S3: a ballot or TAN row holds a hash and its round, nothing else', () => {
		const of = (table: string) => columns.filter((c) => c.table === table).map((c) => c.column).sort();
		expect(of('ballots')).toEqual(['round_id', 'token_hash']);
		expect(of('tans')).toEqual(['code_hash', 'round_id']);
	});

	it('keeps IP addresses only in the staff security log', () => {
		expect(columns.filter((c) => /(^|_)ip($|_)|address/.test(c.column) && c.table !== 'security_log')).toEqual([]);
	});
});
