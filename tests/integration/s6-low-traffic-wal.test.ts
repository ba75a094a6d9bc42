import { sql } from 'drizzle-orm';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import { rowsOf } from '../../src/lib/server/db/rows';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { pgClusterUnavailable, startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { startLoad } from '../helpers/virtual-students';

/**
 * PRIVACY.md S6 at low traffic, read where a database administrator (or a backup of the log)
 * would read it. Students answer one at a time, seconds apart, so every batch of the writer holds
 * one submission; a teacher who saw who pressed "send" at that moment must not find that
 * student's answers in any committed transaction, nor in any logged statement.
 *
 * - The write-ahead log, decoded (wal_level=logical, test_decoding): every committed change to
 *   answer_counts, transaction by transaction. Each transaction's increments must be the
 *   answers of none or of at least two submissions.
 * - The statement log (log_statement=all): every apply_answer_batch call's sums (the only
 *   statement that carries answers in plain text) hold none or at least two submissions.
 * And nothing is lost: after the close every acknowledged submission is counted exactly once.
 */

const unavailable = pgClusterUnavailable();
if (unavailable) console.warn(`Skipping the S6 WAL test: ${unavailable}`);

const QUESTIONS = 4;
const STUDENTS = 7;
const APART_MS = 1_200;
const SLOT = 's6_wal';

async function seed(db: Database) {
	const school = await createSchool(db);
	const group = await createGroup(db, school.id);
	const version = await createQuestionnaireVersion(db, school.id, Array.from({ length: QUESTIONS }, () => ({ type: 'agree5' as const })));
	const round = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
	return { round, questionIds: version.questions.map((q) => q.id) };
}

/** test_decoding's lines of one committed transaction. */
function transactions(lines: string[]): string[][] {
	const found: string[][] = [];
	let current: string[] | undefined;
	for (const line of lines) {
		if (line.startsWith('BEGIN')) current = [];
		else if (line.startsWith('COMMIT')) {
			found.push(current!);
			current = undefined;
		} else current?.push(line);
	}
	return found;
}

const counterRow = /^table public\.answer_counts: (INSERT|UPDATE): round_id\[uuid\]:'([^']+)' question_id\[uuid\]:'([^']+)' choice\[text\]:'([^']*)' n\[integer\]:(\d+)$/;

describe.skipIf(unavailable)('S6 at low traffic: the WAL and the statement log of a PostgreSQL of the test\'s own', () => {
	let cluster: PgCluster;
	let app: SeededServer<Awaited<ReturnType<typeof seed>>>;
	let logFile: string;

	beforeAll(async () => {
		cluster = await startPgCluster(['-c wal_level=logical', '-c max_replication_slots=2', '-c max_wal_senders=2', '-c log_statement=all', '-c log_parameter_max_length=-1']);
		logFile = cluster.logFile;
		app = await startSeededServer('postgres', seed, { LOG_LEVEL: 'warn' }, cluster.url);
	}, 120_000);
	afterAll(async () => {
		await app?.destroy();
		await cluster?.destroy();
	});

	it('S6: single submissions seconds apart: no committed transaction and no logged statement holds the answers of exactly one', async () => {
		const { round, questionIds } = app.seed;
		await app.inspect((db) => rowsOf(db, sql`select pg_create_logical_replication_slot(${SLOT}, 'test_decoding')`));
		const answers = Object.fromEntries(questionIds.map((id, i) => [id, (i % 5) + 1]));
		for (let i = 0; i < STUDENTS; i += 1) {
			if (i > 0) await new Promise((resolve) => setTimeout(resolve, APART_MS));
			const [record] = await startLoad({ baseUrl: app.server.url, joinCode: round.joinCode, answers, students: 1, concurrency: 1, timeoutMs: 15_000 }).done;
			expect(record?.first).toEqual({ kind: 'acknowledged' });
		}
		await app.inspect((db) => rounds.close(db, round.id));

		const changes = await app.inspect((db) => rowsOf<{ data: string }>(db, sql`select data from pg_logical_slot_get_changes(${SLOT}, null, null)`));
		const counters = new Map<string, number>();
		const written: number[] = [];
		let loneBallots = 0;
		for (const lines of transactions(changes.map((c) => c.data))) {
			// One question's increments in this transaction: the number of submissions it writes.
			let submissions = 0;
			for (const line of lines) {
				const row = counterRow.exec(line);
				if (!row || row[2] !== round.id) continue;
				const key = `${row[3]} ${row[4]}`;
				const delta = Number(row[5]) - (counters.get(key) ?? 0);
				counters.set(key, Number(row[5]));
				if (row[3] === questionIds[0]) submissions += delta;
			}
			if (lines.filter((line) => line.startsWith('table public.ballots: DELETE')).length === 1) loneBallots += 1;
			// The sealed pool travels through the WAL too, never readable.
			for (const line of lines.filter((l) => l.startsWith('table public.held_answers'))) {
				for (const id of questionIds) expect(line).not.toContain(id);
			}
			if (submissions > 0) written.push(submissions);
		}
		// The scenario happened: ballots were consumed one per transaction.
		expect(loneBallots).toBeGreaterThanOrEqual(STUDENTS - 1);
		expect(written.every((n) => n >= 2), `submissions per committed write: ${written.join(', ')}`).toBe(true);
		expect(written.reduce((a, b) => a + b, 0)).toBe(STUDENTS);
		const firstQuestion = [...counters].filter(([key]) => key.startsWith(questionIds[0]!)).map(([, n]) => n);
		expect(firstQuestion).toEqual([STUDENTS]);

		const log = await readFile(logFile, 'utf8');
		const calls = [...log.matchAll(/apply_answer_batch\(\$1[^\n]*\n[^\n]*parameters: \$1 = '(?:[^']|'')*', \$2 = '((?:[^']|'')*)', \$3 = '/g)].map((m) => JSON.parse(m[1]!.replaceAll("''", "'")) as { c: number[][] });
		expect(calls.length).toBeGreaterThanOrEqual(STUDENTS);
		for (const sums of calls) {
			const perQuestion = new Map<number, number>();
			for (const [, question, , n] of sums.c) perQuestion.set(question!, (perQuestion.get(question!) ?? 0) + n!);
			for (const n of perQuestion.values()) expect(n, `a logged call writing ${JSON.stringify(sums)}`).toBeGreaterThanOrEqual(2);
		}
	}, 120_000);
});
