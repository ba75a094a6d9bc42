import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import type { Database } from '../../src/lib/server/db/client';
import { groupTeachers, publishedCounts, schools } from '../../src/lib/server/db/schema';
import { comparableRounds, compareRounds } from '../../src/lib/server/reporting/compare';
import { roundResults, roundResultsCsv, type RoundResults } from '../../src/lib/server/reporting/round-results';
import { toIncrements } from '../../src/lib/server/rounds/answers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/** Option texts and words that must never reach a response when their counts are suppressed. */
const MARKER_OPTION = 'Zebraoptie';
const MARKER_TERM = 'regenboog';
const LONE_TERM = 'pietjepuk';

type Answers = Partial<Record<'agree' | 'rating' | 'single' | 'multiple' | 'word', unknown>>;

/** A school, group and questionnaire of every kind of question, and a round opener. */
async function setUp(db: Database, k = 5) {
	const school = await createSchool(db);
	if (k !== 5) await db.update(schools).set({ minGroupSize: k }).where(eq(schools.id, school.id));
	const group = await createGroup(db, school.id);
	const version = await createQuestionnaireVersion(db, school.id, [
		{ type: 'agree5' },
		{ type: 'rating10' },
		{ type: 'single_choice', options: [{ nl: MARKER_OPTION, en: MARKER_OPTION }, { nl: 'Nee', en: 'No' }] },
		{ type: 'multiple_choice', options: [{ nl: 'A', en: 'A' }, { nl: 'B', en: 'B' }, { nl: 'C', en: 'C' }] },
		{ type: 'one_word' }
	]);
	const [agree, rating, single, multiple, word] = version.questions.map((q) => q.id) as [string, string, string, string, string];
	const ids = { agree, rating, single, multiple, word };
	const open = (options: { liveResults?: boolean } = {}) => rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null, ...options });
	/** Each set of answers is one student's submission; all of them go in one batch. */
	async function submit(roundId: string, students: Answers[]) {
		const batch = [];
		for (const answers of students) {
			const byId = Object.fromEntries(Object.entries(answers).map(([key, value]) => [ids[key as keyof typeof ids], value]));
			const increments = toIncrements(version.questions, byId);
			if (!Array.isArray(increments)) throw new Error(`invalid test answers: ${JSON.stringify(increments)}`);
			batch.push({ roundId, ballotHash: hashToken((await ballots.issue(db, roundId))!), increments });
		}
		expect(await applyBatch(db, batch)).toEqual(batch.map(() => 'counted'));
	}
	return { school, group, version, ids, open, submit };
}

const full = (agree: number, word = MARKER_TERM): Answers => ({ agree, rating: agree * 2, single: agree % 2, multiple: [0, agree % 3], word });
const uniq = (answers: Answers): Answers => ({ ...answers, multiple: [...new Set(answers.multiple as number[])] });

describe.each(engines)('round results on %s', (engine) => {
	let handle: TestDatabase;
	let db: Database;

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		db = handle.db;
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('S4: a round below k shows only n', async () => {
		const { open, submit } = await setUp(db);
		const round = await open();
		await submit(round.id, [1, 2, 2, 5].map((v) => uniq(full(v))));
		await rounds.close(db, round.id);
		const results = await roundResults(db, round.id, 'nl');
		expect(results).toEqual({ locale: 'nl', n: 4, k: 5, open: false, liveResults: false, publishedN: null, shown: false, questions: [] });
		expect(JSON.stringify(results)).not.toContain(MARKER_OPTION);
		expect(JSON.stringify(results)).not.toContain(MARKER_TERM);

		// A school that raised k to 8 hides a round of 7.
		const strict = await setUp(db, 8);
		const other = await strict.open();
		await strict.submit(other.id, [1, 2, 3, 4, 5, 1, 2].map((v) => uniq(full(v))));
		await rounds.close(db, other.id);
		expect(await roundResults(db, other.id, 'en')).toMatchObject({ n: 7, k: 8, shown: false, questions: [] });
		expect(await roundResults(db, '00000000-0000-4000-8000-000000000000', 'nl')).toBeNull();
		expect(await roundResults(db, 'not-an-id', 'nl')).toBeNull();
	});

	it('S4: a question answered by fewer than k is suppressed', async () => {
		const { open, submit, ids } = await setUp(db);
		const round = await open();
		// Six students answer the agree question; only three of them also give a rating.
		await submit(round.id, [
			{ agree: 5, rating: 9, multiple: [0, 1] },
			{ agree: 4, rating: 7, multiple: [0] },
			{ agree: 4, rating: 8, multiple: [1, 2] },
			{ agree: 2, multiple: [0] },
			{ agree: 5, multiple: [2] },
			{ agree: 1 }
		]);
		await rounds.close(db, round.id);
		const results = (await roundResults(db, round.id, 'en'))!;
		expect(results).toMatchObject({ n: 6, shown: true });
		const byId = Object.fromEntries(results.questions.map((q) => [q.id, q]));
		expect(byId[ids.agree]).toMatchObject({ respondents: 6, shown: true, mean: 3.5 });
		expect(byId[ids.agree]!.distribution).toEqual([
			{ choice: '1', label: 'Strongly disagree', n: 1, share: 16.7 },
			{ choice: '2', label: 'Disagree', n: 1, share: 16.7 },
			{ choice: '3', label: 'Neutral', n: 0, share: 0 },
			{ choice: '4', label: 'Agree', n: 2, share: 33.3 },
			{ choice: '5', label: 'Strongly agree', n: 2, share: 33.3 }
		]);
		expect(byId[ids.rating]).toEqual(expect.objectContaining({ respondents: 3, shown: false, distribution: [], mean: null, terms: [] }));
		// Multiple choice counts students, not ticks: 5 answered it, below k, so nothing.
		expect(byId[ids.multiple]).toMatchObject({ respondents: 5, shown: true });
		expect(byId[ids.multiple]!.distribution.map((d) => [d.label, d.n, d.share])).toEqual([['A', 3, 60], ['B', 2, 40], ['C', 2, 40]]);
		expect(byId[ids.single]).toMatchObject({ respondents: 0, shown: false, distribution: [] });
		// No cross-tabulation: every question stands alone, nothing pairs two of them.
		expect(Object.keys(byId[ids.agree]!).sort()).toEqual(['distribution', 'id', 'mean', 'prompt', 'randomized', 'respondents', 'shown', 'terms', 'theme', 'themeKey', 'type']);
	});

	it('S5: while open, no distribution; with live results only in steps of k', async () => {
		const { open, submit } = await setUp(db);
		const plain = await open();
		await submit(plain.id, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((v) => uniq(full(v))));
		expect(await roundResults(db, plain.id, 'nl')).toMatchObject({ n: 10, open: true, shown: false, questions: [], publishedN: null });

		const live = await open({ liveResults: true });
		const snapshot = async () => {
			const r = (await roundResults(db, live.id, 'en')) as RoundResults;
			return { shown: r.shown, publishedN: r.publishedN, questions: r.questions };
		};
		// One submission at a time, as a class answering while the screen is watched. Up to three
		// may be held sealed (S6) and are not in the counters yet, so the snapshot moves once k
		// newly written ones are in: never by fewer, and never more than k + 2 behind.
		let last = await snapshot();
		expect(last).toEqual({ shown: false, publishedN: 0, questions: [] });
		const answered = [1, 1, 1, 1, 3, 5, 5, 5, 5, 5];
		for (const [i, value] of answered.entries()) {
			await submit(live.id, [uniq(i < 5 ? full(value) : full(value, 'anders'))]);
			const now = await snapshot();
			if (now.publishedN === last.publishedN) expect(now, `after ${i + 1}`).toEqual(last);
			else {
				expect(now.publishedN! - last.publishedN!, `after ${i + 1}`).toBeGreaterThanOrEqual(5);
				expect(now.shown).toBe(true);
				expect(now.questions[0]!.distribution.reduce((sum, d) => sum + d.n, 0)).toBe(now.publishedN);
			}
			expect(now.publishedN, `after ${i + 1}`).toBeGreaterThan(i + 1 - 3 - 5);
			last = now;
		}
		expect(last.publishedN).toBeGreaterThanOrEqual(5);

		// A batch of several that crosses the step publishes once, with all of them.
		await submit(live.id, [2, 2, 2, 2, 2, 2, 2].map((v) => uniq(full(v))));
		expect((await snapshot()).publishedN).toBe(15);

		// Closed three submissions after the last snapshot (one more, and the two held, S6): the
		// final counts minus the snapshot would be the answers of fewer than k students (S4 across
		// time), so the snapshot stays the results for good.
		const atFifteen = await snapshot();
		await submit(live.id, [uniq(full(4))]);
		await rounds.close(db, live.id);
		expect(await db.select().from(publishedCounts).where(eq(publishedCounts.roundId, live.id))).not.toEqual([]);
		const kept = (await roundResults(db, live.id, 'en'))!;
		expect(kept).toMatchObject({ n: 18, open: false, publishedN: 15, shown: true });
		expect({ shown: kept.shown, publishedN: kept.publishedN, questions: kept.questions }).toEqual(atFifteen);
		expect(roundResultsCsv(kept)).toContain('# The last interim results, of the first 15 responses');
		await rounds.close(db, live.id);
		expect((await roundResults(db, live.id, 'en'))!.publishedN).toBe(15);

		// Closed k or more after it, the final counters are the results and the snapshot is gone.
		const later = await open({ liveResults: true });
		await submit(later.id, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((v) => uniq(full(v))));
		expect((await roundResults(db, later.id, 'en'))!.publishedN).toBe(8);
		await submit(later.id, [1, 2, 3].map((v) => uniq(full(v))));
		await rounds.close(db, later.id);
		expect(await db.select().from(publishedCounts).where(eq(publishedCounts.roundId, later.id))).toEqual([]);
		const final = (await roundResults(db, later.id, 'en'))!;
		expect(final).toMatchObject({ n: 13, open: false, publishedN: null, shown: true });
		expect(final.questions[0]!.distribution.map((d) => d.n)).toEqual([3, 3, 3, 2, 2]);
	});

	it('S7: a term given by one student is never shown', async () => {
		const { open, submit, ids } = await setUp(db);
		const round = await open();
		await submit(round.id, [
			{ word: 'Fijn' },
			{ word: ' fijn ' },
			{ word: 'FIJN' },
			{ word: 'saai' },
			{ word: 'Saai' },
			{ word: LONE_TERM },
			{ agree: 3 }
		]);
		await rounds.close(db, round.id);
		const results = (await roundResults(db, round.id, 'nl'))!;
		const word = results.questions.find((q) => q.id === ids.word)!;
		expect(word).toMatchObject({ respondents: 6, shown: true, distribution: [], mean: null });
		expect(word.terms).toEqual([
			{ term: 'fijn', n: 3 },
			{ term: 'saai', n: 2 }
		]);
		expect(JSON.stringify(results)).not.toContain(LONE_TERM);
		expect(roundResultsCsv(results)).not.toContain(LONE_TERM);
	});

	it('S4: the CSV omits suppressed data entirely, with a note line', async () => {
		const { open, submit } = await setUp(db);
		const round = await open();
		await submit(round.id, [
			{ agree: 5, rating: 9, word: 'kat' },
			{ agree: 4, rating: 7, word: 'kat' },
			{ agree: 4, word: LONE_TERM },
			{ agree: 2 },
			{ agree: 5 }
		]);
		await rounds.close(db, round.id);
		const csv = roundResultsCsv((await roundResults(db, round.id, 'en'))!);
		const lines = csv.trimEnd().split('\r\n');
		expect(lines[0]).toBe('# n = 5');
		expect(lines[1]).toBe('question,prompt,theme,type,choice,label,n,share_percent');
		const rows = lines.filter((l) => !l.startsWith('#')).slice(1);
		expect(rows).toEqual([
			'1,Question 1,,agree5,1,Strongly disagree,0,0',
			'1,Question 1,,agree5,2,Disagree,1,20',
			'1,Question 1,,agree5,3,Neutral,0,0',
			'1,Question 1,,agree5,4,Agree,2,40',
			'1,Question 1,,agree5,5,Strongly agree,2,40'
		]);
		// The rating (2 answers) and the words (3 answers) are below k: not even their rows.
		expect(csv).not.toContain('rating10');
		expect(csv).not.toContain('kat');
		expect(lines.filter((l) => l.startsWith('#'))).toEqual([
			'# n = 5',
			'# Question 2: answered by fewer than 5 students, left out.',
			'# Question 3: answered by fewer than 5 students, left out.',
			'# Question 4: answered by fewer than 5 students, left out.',
			'# Question 5: answered by fewer than 5 students, left out.'
		]);

		const small = await open();
		await submit(small.id, [uniq(full(1)), uniq(full(1)), uniq(full(2))]);
		await rounds.close(db, small.id);
		const smallCsv = roundResultsCsv((await roundResults(db, small.id, 'nl'))!).trimEnd().split('\r\n');
		expect(smallCsv).toEqual(['# n = 3', 'question,prompt,theme,type,choice,label,n,share_percent', '# Te weinig antwoorden (minder dan 5): geen resultaten.']);
	});

	it('the CSV defuses a field a spreadsheet would run as a formula', async () => {
		const { open, submit } = await setUp(db);
		const round = await open();
		await submit(round.id, Array.from({ length: 5 }, () => ({ word: '-hallo' })));
		await rounds.close(db, round.id);
		const csv = roundResultsCsv((await roundResults(db, round.id, 'nl'))!);
		expect(csv).toContain(",one_word,'-hallo,'-hallo,5,100\r\n");
	});

	it('S4: two rounds side by side, each under the k rule on its own side', async () => {
		const { school, group, open, submit } = await setUp(db);
		const small = await open();
		await submit(small.id, [1, 1, 2, 2].map((v) => uniq(full(v, 'eenzaam'))));
		await rounds.close(db, small.id);
		const big = await open();
		await submit(big.id, [5, 5, 4, 4, 4].map((v) => uniq(full(v))));
		await rounds.close(db, big.id);
		const comparison = await compareRounds(db, group.id, small.id, big.id, 'en');
		if (comparison.status !== 'compared') throw new Error(comparison.status);
		expect(comparison.a.results).toMatchObject({ n: 4, shown: false, questions: [] });
		expect(JSON.stringify(comparison.a)).not.toContain('eenzaam');
		expect(comparison.b.results).toMatchObject({ n: 5, shown: true });
		// The small side holds no question at all, so every pair has only the big side.
		expect(comparison.pairs.map((p) => [p.prompt, p.a, p.b?.respondents])).toEqual([1, 2, 3, 4, 5].map((i) => [`Question ${i}`, null, 5]));

		// Only two different closed rounds of this group with the same questionnaire compare.
		const stillOpen = await open();
		const otherGroup = await createGroup(db, school.id);
		const otherFamily = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
		const elsewhere = await rounds.open(db, { groupId: otherGroup.id, versionId: otherFamily.versionId, openedBy: null });
		const otherQuestionnaire = await rounds.open(db, { groupId: group.id, versionId: otherFamily.versionId, openedBy: null });
		for (const id of [elsewhere.id, otherQuestionnaire.id]) await rounds.close(db, id);
		for (const [a, b] of [[big.id, stillOpen.id], [big.id, big.id], [big.id, elsewhere.id], [big.id, otherQuestionnaire.id], [big.id, 'not-an-id']]) {
			expect(await compareRounds(db, group.id, a!, b!, 'en'), `${a} ${b}`).toEqual({ status: 'not_comparable' });
		}
		expect((await comparableRounds(db, group.id, 'en')).map((r) => r.id)).toEqual([otherQuestionnaire.id, big.id, small.id]);
	});
});

async function seedSmallRound(db: Database) {
	const { school, group, open, submit } = await setUp(db);
	const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	const otherTeacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	await db.insert(groupTeachers).values({ groupId: group.id, userId: teacher.id });
	const round = await open();
	// Four students, the same answers from three of them: every count is 1, 3 or 4.
	await submit(round.id, [uniq(full(4)), uniq(full(4)), uniq(full(4)), uniq(full(1))]);
	await rounds.close(db, round.id);
	const big = await open();
	await submit(big.id, [5, 5, 4, 4, 4, 2].map((v) => uniq(full(v))));
	await rounds.close(db, big.id);
	const limits = { absoluteMs: 3_600_000, idleMs: 3_600_000 };
	const token = (await createSession(db, teacher.id, limits, true)).token;
	const otherToken = (await createSession(db, otherTeacher.id, limits, true)).token;
	return { round, big, groupId: group.id, token, otherToken };
}

/** Tables of data in a page: all but the layout table that repeats the head on printed pages. */
const dataTables = (html: string) => html.match(/<table(?! class="printed-report)/g)?.length ?? 0;

describe.each(engines)('round results through the real server on %s', (engine) => {
	let app: SeededServer<Awaited<ReturnType<typeof seedSmallRound>>>;

	beforeAll(async () => {
		app = await startSeededServer(engine, seedSmallRound);
	});
	afterAll(async () => {
		await app.destroy();
	});

	const get = (path: string, token = app.seed.token) =>
		fetch(`${app.server.url}${path}`, { headers: { cookie: `lesspiegel_session=${token}` }, redirect: 'manual' });

	it('S4: the page and the CSV of a round below k hold no count of any choice', async () => {
		for (const prefix of ['', '/en']) {
			const page = await get(`${prefix}/rounds/${app.seed.round.id}/results`);
			expect(page.status).toBe(200);
			const html = await page.text();
			expect(html).toMatch(prefix ? /Too few responses \(fewer than 5\)/ : /Te weinig antwoorden \(minder dan 5\)/);
			expect(html).toMatch(prefix ? /Responses: 4/ : /Aantal antwoorden: 4/);
			// No table, no chart, no choice, term, scale word or count - also not in the hydration data.
			for (const absent of ['<canvas', MARKER_OPTION, MARKER_TERM, 'Helemaal eens', 'Strongly agree', 'respondents', 'distribution:[{', 'choice']) {
				expect(html, absent).not.toContain(absent);
			}
			expect(dataTables(html)).toBe(0);

			const csv = await get(`${prefix}/rounds/${app.seed.round.id}/results/csv`);
			expect(csv.status).toBe(200);
			expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="lesspiegel-results-\d{4}-\d{2}-\d{2}\.csv"$/);
			expect(csv.headers.get('cache-control')).toBe('no-store');
			const lines = (await csv.text()).trimEnd().split('\r\n');
			expect(lines.filter((l) => !l.startsWith('#'))).toEqual(['question,prompt,theme,type,choice,label,n,share_percent']);
			expect(lines.join('\n')).not.toMatch(new RegExp(`${MARKER_OPTION}|${MARKER_TERM}|Helemaal|Strongly`));
		}
	});

	it('S4: the sheet for the class follows the same report: n only below k, shares from k', async () => {
		const small = await (await get(`/en/rounds/${app.seed.round.id}/results/sheet`)).text();
		expect(small).toContain('Too few responses (fewer than 5)');
		for (const absent of [MARKER_OPTION, MARKER_TERM, 'Strongly agree', '<svg class="bar']) expect(small, absent).not.toContain(absent);
		const big = await (await get(`/en/rounds/${app.seed.big.id}/results/sheet`)).text();
		expect(big).toContain('Responses: 6');
		expect(big).toContain('Strongly agree: 33.3%');
		expect(big).toContain(`${MARKER_TERM} (6)`);
		expect(big).not.toContain('<canvas'); // SVG from the server, no chart drawn later
		expect((await get(`/en/rounds/${app.seed.big.id}/results/sheet`, app.seed.otherToken)).status).toBe(404);
	});

	it('shows a round of k or more as tables, a term list and a CSV', async () => {
		const html = await (await get(`/en/rounds/${app.seed.big.id}/results`)).text();
		expect(html).toContain('Responses: 6');
		expect(html).toMatch(/<th scope="row"[^>]*>Strongly agree<\/th>\s*<td class="num[^"]*">2<\/td>/);
		expect(html).toContain('Mean: 4 (scale 1 to 5)');
		expect(html).toContain(MARKER_TERM);
		expect(html).toContain('aria-hidden="true"');
		const csv = await (await get(`/en/rounds/${app.seed.big.id}/results/csv`)).text();
		expect(csv).toContain('1,Question 1,,agree5,5,Strongly agree,2,33.3\r\n');
		expect(csv).toContain(`5,Question 5,,one_word,${MARKER_TERM},${MARKER_TERM},6,100\r\n`);
	});

	it('S4: the projector view and the comparison show a round below k as its n only', async () => {
		const discuss = await (await get(`/en/rounds/${app.seed.round.id}/results/discuss`)).text();
		expect(discuss).toContain('Too few responses (fewer than 5)');
		expect(discuss).toContain('Responses: 4');
		for (const absent of ['<table', '<canvas', MARKER_OPTION, MARKER_TERM, 'Strongly agree', 'distribution:[{']) expect(discuss, absent).not.toContain(absent);

		const compare = await get(`/en/groups/${app.seed.groupId}/compare?a=${app.seed.round.id}&b=${app.seed.big.id}`);
		expect(compare.status).toBe(200);
		const html = await compare.text();
		expect(html).toContain('Responses: 4');
		expect(html).toContain('Too few responses (fewer than 5)');
		// Tables only on the big round's side: its agree, rating, single and multiple choice questions.
		expect(dataTables(html)).toBe(4);
		// Every count of 3 is the big round's: the small round's three alike answers show nowhere.
		const threes = (page: string) => page.match(/<td class="num[^"]*">3<\/td>/g)?.length;
		expect(threes(html)).toBe(threes(await (await get(`/en/rounds/${app.seed.big.id}/results`)).text()));
	});

	it('the projector view shows one question at a time, any ?q= landing on a real one', async () => {
		const page = async (q: string) => (await get(`/en/rounds/${app.seed.big.id}/results/discuss${q}`)).text();
		const first = await page('');
		expect(first).toContain('Question 1 of 5');
		expect(first).toMatch(/<th scope="row"[^>]*>Strongly agree<\/th>\s*<td class="num[^"]*">2<\/td>/);
		expect(first).toContain('rel="next" href="/en/rounds/');
		expect(first).not.toContain('rel="prev"');
		expect(await page('?q=zzz')).toContain('Question 1 of 5');
		const last = await page('?q=99');
		expect(last).toContain('Question 5 of 5');
		expect(last).toContain(MARKER_TERM);
		expect(last).not.toContain('rel="next"');
	});

	it('refuses the results to a teacher of another group (404) and to no session (login)', async () => {
		for (const path of [
			`/rounds/${app.seed.round.id}/results`,
			`/rounds/${app.seed.round.id}/results/csv`,
			`/rounds/${app.seed.round.id}/results/discuss`,
			`/groups/${app.seed.groupId}/compare?a=${app.seed.round.id}&b=${app.seed.big.id}`
		]) {
			expect((await get(path, app.seed.otherToken)).status, path).toBe(404);
			expect((await get(path, 'no-such-session')).status, path).toBe(303);
		}
	});
});
