import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import { answerCounts, roundTallies } from '../../src/lib/server/db/schema';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { heldIncrements } from '../helpers/held-answers';
import { pgClusterUnavailable, startPgCluster, type PgCluster } from '../helpers/pg-cluster';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { startServer, type RunningServer } from '../helpers/server';
import { resendUntilClear, startLoad, submitAnswers, type Answers, type Load, type StudentRecord } from '../helpers/virtual-students';

/**
 * Fault tests (PRIVACY.md S6, QUALITY.md "Reliability"): PostgreSQL restarts, or the app is
 * killed, while students submit. Afterwards every acknowledged submission is counted exactly
 * once and nothing else is: in the counters, or in the round's sealed pool. They run on a PostgreSQL cluster of their own, which they may stop:
 * the shared server at TEST_DATABASE_URL serves test files running in parallel.
 */

const unavailable = pgClusterUnavailable();
if (unavailable) console.warn(`Skipping the fault tests (PostgreSQL restart, app killed): ${unavailable}`);

const QUESTIONS = 10;
const STUDENTS = 100;
/** Enough to be in the middle of a run, well before its end. */
const ACKNOWLEDGED_BEFORE_FAULT = 20;
/** The fault lasts until it has met at least this many submissions, so it cannot miss them all. */
const MET_BY_FAULT = 3;
/** Every virtual student comes from 127.0.0.1, far more than a class behind one school address. */
const SERVER_ENV = { JOIN_MAX_PER_MINUTE: '100000', LOG_LEVEL: 'warn' };
/** A run takes 5-25 s alone; the margin is for a machine busy with the other test files. */
const FAULT_TEST_TIMEOUT_MS = 90_000;

async function seed(db: Database) {
	const school = await createSchool(db);
	const group = await createGroup(db, school.id);
	const version = await createQuestionnaireVersion(db, school.id, Array.from({ length: QUESTIONS }, () => ({ type: 'agree5' as const })));
	const round = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
	return { round, questions: version.questions };
}

type Seed = Awaited<ReturnType<typeof seed>>;

const answersFor = (questions: Seed['questions']): Answers => Object.fromEntries(questions.map((q, i) => [q.id, (i % 5) + 1]));

/** /healthz's status; or, once the app process has died, a line saying so with its last output. */
async function health(server: RunningServer): Promise<number | string> {
	const { exitCode, signalCode } = server.process;
	if (exitCode !== null || signalCode !== null) return `the app exited (${exitCode ?? signalCode}): ${server.output().slice(-1500)}`;
	return fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) })
		.then((r) => r.status)
		.catch(() => 0);
}

const untilHeard = (load: Load, kind: 'acknowledged' | 'ambiguous', n: number) =>
	expect.poll(() => load.heard()[kind], { timeout: 20_000, interval: 20, message: `${n} submissions ${kind}` }).toBeGreaterThanOrEqual(n);

async function counted(app: SeededServer<Seed>) {
	const roundId = app.seed.round.id;
	return app.inspect(async (db) => {
		const [tally] = await db.select({ n: roundTallies.n }).from(roundTallies).where(eq(roundTallies.roundId, roundId));
		const rows = await db.select({ questionId: answerCounts.questionId, n: answerCounts.n }).from(answerCounts).where(eq(answerCounts.roundId, roundId));
		const perQuestion = new Map<string, number>();
		for (const row of rows) perQuestion.set(row.questionId, (perQuestion.get(row.questionId) ?? 0) + row.n);
		// The few held sealed until they can be written with others (S6) count as well.
		for (const { questionId } of await heldIncrements(db, roundId)) perQuestion.set(questionId, (perQuestion.get(questionId) ?? 0) + 1);
		return { n: tally?.n, perQuestion: [...perQuestion.values()] };
	});
}

/**
 * The exact account after a fault. Each submission that heard nothing trustworthy is sent again
 * with its ballot, as a phone does, and must end clear: 201 (it had not counted) or 409
 * ballot_used (it had). The database then holds exactly one count per acknowledged submission,
 * with all of its answers. Last, every acknowledged ballot sent once more is refused and
 * changes nothing.
 */
async function expectEachAcknowledgedCountedOnce(app: SeededServer<Seed>, server: RunningServer, records: StudentRecord[]) {
	const answers = answersFor(app.seed.questions);
	expect(records).toHaveLength(STUDENTS);
	expect(records.filter((r) => r.first.kind === 'refused')).toEqual([]);
	const unclear = records.filter((r) => r.first.kind === 'ambiguous');
	expect(unclear.length, 'submissions met by the fault').toBeGreaterThanOrEqual(MET_BY_FAULT);
	const resent = await Promise.all(unclear.map((r) => resendUntilClear(server.url, r.ballot, answers)));
	for (const heard of resent) {
		expect([{ kind: 'acknowledged' }, { kind: 'refused', status: 409, code: 'ballot_used' }]).toContainEqual(heard);
	}
	// Acknowledged: a 201 at first, or a 201 or ballot_used on the resend (all of them, by now).
	const n = records.length - unclear.length + resent.filter((heard) => heard.kind === 'acknowledged' || (heard.kind === 'refused' && heard.code === 'ballot_used')).length;
	const acknowledged = { n, perQuestion: Array.from({ length: QUESTIONS }, () => n) };
	expect(await counted(app)).toEqual(acknowledged);

	// Once recovered, the server answers clearly again: a replay is refused, not a 503.
	const replays = await Promise.all(records.map((r) => submitAnswers(server.url, r.ballot, answers)));
	expect(replays.filter((heard) => heard.kind !== 'refused' || heard.code !== 'ballot_used')).toEqual([]);
	expect(await counted(app)).toEqual(acknowledged);
}

describe.skipIf(unavailable)('faults on a PostgreSQL cluster of the test\'s own', () => {
	let cluster: PgCluster;
	beforeAll(async () => {
		cluster = await startPgCluster();
	});
	afterAll(async () => {
		await cluster?.destroy();
	});

	const load = (app: SeededServer<Seed>) =>
		startLoad({
			baseUrl: app.server.url,
			joinCode: app.seed.round.joinCode,
			answers: answersFor(app.seed.questions),
			students: STUDENTS,
			concurrency: 10,
			timeoutMs: 60_000
		});

	it('S6: PostgreSQL restarts mid-load: /healthz says 503 and recovers, each acknowledged submission counts once', async () => {
		const app = await startSeededServer('postgres', seed, SERVER_ENV, cluster.url);
		try {
			const running = load(app);
			await untilHeard(running, 'acknowledged', ACKNOWLEDGED_BEFORE_FAULT);
			await cluster.stop();
			await expect.poll(() => health(app.server), { timeout: 10_000, interval: 50 }).toBe(503);
			await untilHeard(running, 'ambiguous', MET_BY_FAULT);
			await cluster.start();
			// The same process recovers by itself: its pool reconnects.
			await expect.poll(() => health(app.server), { timeout: 15_000, interval: 100 }).toBe(200);
			await expectEachAcknowledgedCountedOnce(app, app.server, await running.done);
			expect(await health(app.server)).toBe(200);
		} finally {
			await cluster.start();
			await app.destroy();
		}
	}, FAULT_TEST_TIMEOUT_MS);

	it('S6: the app is killed mid-load and started again: each acknowledged submission counts once', async () => {
		const app = await startSeededServer('postgres', seed, SERVER_ENV, cluster.url);
		let restarted: RunningServer | undefined;
		try {
			const running = load(app);
			await untilHeard(running, 'acknowledged', ACKNOWLEDGED_BEFORE_FAULT);
			await app.server.stop('SIGKILL');
			await untilHeard(running, 'ambiguous', MET_BY_FAULT);
			// On the same port, so the phones find it where they left it.
			restarted = await startServer({ ...SERVER_ENV, DATABASE_URL: app.databaseUrl!, PORT: new URL(app.server.url).port });
			await expectEachAcknowledgedCountedOnce(app, restarted, await running.done);
		} finally {
			await restarted?.stop();
			await app.destroy();
		}
	}, FAULT_TEST_TIMEOUT_MS);
});
