import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/lib/server/auth/tokens';
import type { Database } from '../../src/lib/server/db/client';
import { answerCounts, questions } from '../../src/lib/server/db/schema';
import { schoolDashboard } from '../../src/lib/server/reporting/dashboard';
import { roundResults, roundResultsCsv } from '../../src/lib/server/reporting/round-results';
import { groupTrends } from '../../src/lib/server/reporting/themes';
import { toIncrements } from '../../src/lib/server/rounds/answers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { heldIncrements } from '../helpers/held-answers';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/*
 * Randomized response (issue 15) through the real server. Without JavaScript the student page
 * posts the true answer, and the server must replace it by chance before anything is counted;
 * with JavaScript the phone did that already and says so, and the server counts what it sent.
 */

const TRIALS = 280;

async function seed(db: Database) {
	const school = await createSchool(db);
	const group = await createGroup(db, school.id);
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5', randomized: true }, { type: 'smiley3' }]);
	const formRound = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
	const apiRound = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
	const [safe, plain] = version.questions.map((q) => q.id) as [string, string];
	return { formRound, apiRound, safe, plain };
}

type Seed = Awaited<ReturnType<typeof seed>>;

/** What a question's counters hold, with the answers still held sealed in the round's pool (S6). */
async function countsOf(db: Database, roundId: string, questionId: string): Promise<Record<string, number>> {
	const rows = await db.select({ questionId: answerCounts.questionId, choice: answerCounts.choice, n: answerCounts.n }).from(answerCounts).where(eq(answerCounts.roundId, roundId));
	const counts: Record<string, number> = Object.fromEntries(rows.filter((r) => r.questionId === questionId).map((r) => [r.choice, r.n]));
	for (const held of await heldIncrements(db, roundId)) if (held.questionId === questionId) counts[held.choice] = (counts[held.choice] ?? 0) + 1;
	return counts;
}

describe.each(engines)('randomized response through the real server on %s', (engine) => {
	let app: SeededServer<Seed>;

	beforeAll(async () => {
		// Every page view is a join; this test makes a few hundred from one address.
		app = await startSeededServer(engine, seed, { JOIN_MAX_PER_MINUTE: '100000' });
	});
	afterAll(async () => {
		await app.destroy();
	});

	async function postForm(answer: number): Promise<string> {
		const { formRound, safe, plain } = app.seed;
		const page = await fetch(`${app.server.url}/r/${formRound.joinCode}`);
		const html = await page.text();
		// The page tells the student, in plain words, before they answer.
		expect(html).toContain('Deze vraag is extra geheim.');
		const ballot = /name="ballot" value="([^"]+)"/.exec(html)![1]!;
		const form = new URLSearchParams({ ballot, [`s.${safe}`]: String(answer), [`s.${plain}`]: '2' });
		const sent = await fetch(`${app.server.url}/r/${formRound.joinCode}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: app.server.url },
			body: form
		});
		expect(sent.status).toBe(200);
		return sent.text();
	}

	it('privacy without JavaScript: the server replaces a form-posted answer by chance before counting, keeping it with p = 3/7', async () => {
		const thanks: string[] = [];
		// Ten phones at a time; every one answers "Helemaal eens" (5).
		for (let i = 0; i < TRIALS; i += 10) thanks.push(...(await Promise.all(Array.from({ length: 10 }, () => postForm(5)))));
		// The receipt names no answer for the randomized question (it would tell whether it was replaced).
		for (const page of thanks) {
			expect(page).toContain('Vraag 1 → <strong>één antwoord, deels door toeval gekozen</strong> +1');
			expect(page).toContain('Vraag 2 → <strong>Gaat wel</strong> +1');
		}
		const { safe, plain } = await app.peek(async (db) => ({ safe: await countsOf(db, app.seed.formRound.id, app.seed.safe), plain: await countsOf(db, app.seed.formRound.id, app.seed.plain) }));
		expect(Object.values(safe).reduce((a, b) => a + b, 0)).toBe(TRIALS);
		// Kept: expected 120 of 280, standard deviation 8.3; each other answer 40 (sd 5.9).
		// Tolerances of over four standard deviations: a false failure about once in 10^5 runs.
		expect(Math.abs(safe['5']! - (TRIALS * 3) / 7)).toBeLessThan(35);
		for (const other of ['1', '2', '3', '4']) expect(Math.abs((safe[other] ?? 0) - TRIALS / 7)).toBeLessThan(25);
		// A question without randomized response is counted exactly as answered.
		expect(plain).toEqual({ '2': TRIALS });
	});

	it('with JavaScript the phone randomized already (randomized: true): the server counts what it sent, and without the flag it randomizes', async () => {
		const { apiRound, safe } = app.seed;
		const send = async (body: Record<string, unknown>) => {
			const joined = await fetch(`${app.server.url}/api/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: apiRound.joinCode }) });
			const { ballot, questionnaire } = (await joined.json()) as { ballot: string; questionnaire: { questions: Array<{ id: string; randomized: boolean }> } };
			expect(questionnaire.questions.map((q) => q.randomized)).toEqual([true, false]);
			const sent = await fetch(`${app.server.url}/api/v1/answers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ballot, ...body }) });
			expect(sent.status).toBe(201);
			return ((await sent.json()) as { kept: Array<{ counter: string }> }).kept;
		};
		for (let i = 0; i < 40; i++) {
			const kept = await send({ answers: { [safe]: 1 }, randomized: true });
			expect(kept).toEqual([{ question: 'Vraag 1', counter: 'één antwoord, deels door toeval gekozen' }]);
		}
		expect(await app.peek((db) => countsOf(db, apiRound.id, safe))).toEqual({ '1': 40 });
		// The same answer 40 times without the flag: replaced 4 times in 7, so all 40 kept happens
		// with probability (3/7)^40, about 10^-15.
		for (let i = 0; i < 40; i++) await send({ answers: { [safe]: 1 } });
		const counts = await app.peek((db) => countsOf(db, apiRound.id, safe));
		expect(counts['1']).toBeLessThan(80);
		expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(80);
	});

	it('the results show the de-biased estimate, its 95% interval and epsilon, and the CSV says which counts are noisy', async () => {
		const results = await app.peek(async (db) => {
			await rounds.close(db, app.seed.formRound.id);
			return roundResults(db, app.seed.formRound.id, 'nl');
		});
		const [safe, plain] = results!.questions;
		expect(safe!.randomized).not.toBeNull();
		expect(plain!.randomized).toBeNull();
		const estimates = safe!.randomized!;
		expect(estimates.epsilon).toBe(1.1);
		expect(estimates.keptPercent).toBe(42.9);
		// Everyone answered 5: the estimate recovers it from counters where 5 is well under half.
		// At n = 280 the estimate of 100 % has a standard deviation of about 10 points, so the
		// bounds are the 1-in-100,000 quantiles of 300,000 simulated rounds (the first version of
		// this test asked for more and failed about one run in four).
		const five = estimates.estimates.find((e) => e.choice === '5')!;
		const counted = safe!.distribution.find((d) => d.choice === '5')!.share;
		expect(counted).toBeLessThan(60);
		expect(five.share).toBeGreaterThan(50);
		expect(five.share - counted).toBeGreaterThan(20);
		expect(five.low).toBeGreaterThan(35);
		expect(five.high).toBeGreaterThan(75);
		expect(estimates.estimates.reduce((sum, e) => sum + e.share, 0)).toBeCloseTo(100, 0);
		// The counters alone average about 3.6.
		expect(safe!.mean).toBeGreaterThan(3.5);
		const csv = roundResultsCsv(results!).split('\r\n');
		expect(csv).toContain('question,choice,label,estimate_percent,ci95_low_percent,ci95_high_percent');
		expect(csv).toContain(`1,5,Helemaal eens,${five.share},${five.low},${five.high}`);
		expect(csv.some((line) => line.startsWith('# Vraag 1: randomized response (epsilon = 1.1;'))).toBe(true);
	});
});

describe.each(engines)('randomized response in theme reports on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('a randomized question counts in no theme score, trend or school distribution (its counters are noisy on purpose)', async () => {
		const db = handle.db;
		const school = await createSchool(db);
		const group = await createGroup(db, school.id);
		const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5', randomized: true }, { type: 'agree5' }]);
		const [noisy, plain] = version.questions.map((q) => q.id) as [string, string];
		await db.update(questions).set({ theme: 'safe_climate' });
		const { id } = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
		const batch = [];
		// Six students: the plain question all "5" (score 100), the randomized one counted as "1".
		for (let i = 0; i < 6; i++) {
			const increments = toIncrements(version.questions, { [noisy]: 1, [plain]: 5 });
			if (!Array.isArray(increments)) throw new Error('invalid test answers');
			batch.push({ roundId: id, ballotHash: hashToken((await ballots.issue(db, id))!), increments });
		}
		await applyBatch(db, batch);
		await rounds.close(db, id);

		const [family] = await groupTrends(db, group.id, 'nl');
		expect(family!.rounds[0]!.scores).toEqual({ safe_climate: 100 });
		const dashboard = await schoolDashboard(db, school.id, { from: new Date('2000-01-01'), to: new Date('2100-01-01') }, 'nl');
		const theme = dashboard!.themes.find((t) => t.key === 'safe_climate')!;
		expect(theme.school).toMatchObject({ score: 100 });
		expect(theme.distributions[0]!.items.map((item) => item.n)).toEqual([0, 0, 0, 0, 6]);
		// The round's own results still show it, as an estimate.
		const results = await roundResults(db, id, 'nl');
		expect(results!.questions[0]!.randomized).not.toBeNull();
	});
});
