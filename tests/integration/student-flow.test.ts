import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { engines } from '../helpers/test-db';

const USER_AGENT = 'LesSpiegelTestPhone/1.0 (S1 marker)';

async function seed(db: Database) {
	const school = await createSchool(db);
	const group = await createGroup(db, school.id);
	const version = await createQuestionnaireVersion(db, school.id);
	const open = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
	const capped = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null, cap: 1 });
	const closed = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
	await rounds.close(db, closed.id);
	return { open, capped, closed, questions: version.questions };
}

type Seed = Awaited<ReturnType<typeof seed>>;

describe.each(engines)('student flow through the real server on %s', (engine) => {
	let app: SeededServer<Seed>;
	const cookies: string[] = [];
	let sevenChecked = false;

	async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
		const response = await fetch(`${app.server.url}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});
		const setCookie = response.headers.get('set-cookie');
		if (setCookie) cookies.push(`${path}: ${setCookie}`);
		return { status: response.status, body: (await response.json()) as Record<string, any> };
	}

	function answersFor(questions: Seed['questions']) {
		const byType = Object.fromEntries(questions.map((q) => [q.type, q.id]));
		return { [byType.agree5!]: 4, [byType.smiley3!]: 3, [byType.rating10!]: 8, [byType.single_choice!]: 1, [byType.multiple_choice!]: [0, 2], [byType.one_word!]: 'Fijn' };
	}

	beforeAll(async () => {
		app = await startSeededServer(engine, seed);
	});
	afterAll(async () => {
		await app.destroy();
	});

	it('joins with a code, answers once, and refuses the replay (S3)', async () => {
		const joined = await post('/api/v1/join', { code: app.seed.open.joinCode.toLowerCase() });
		expect(joined.status).toBe(200);
		expect(joined.body.round.id).toBe(app.seed.open.id);
		expect(joined.body.questionnaire.questions).toHaveLength(6);
		expect(joined.body.questionnaire.questions[0]).toMatchObject({ prompt: 'Vraag 1', type: 'agree5' });
		const sent = await post('/api/v1/answers', { ballot: joined.body.ballot, answers: answersFor(app.seed.questions) });
		expect(sent.status).toBe(201);
		expect(sent.body.ok).toBe(true);
		// The receipt: the counters this submission raised, from the increments the writer summed.
		const kept = sent.body.kept as Array<{ question: string; counter: string }>;
		expect(kept.map((line) => line.counter)).toEqual(expect.arrayContaining(['Eens', 'Leuk', '8', '"fijn"', 'beantwoord']));
		expect(kept).toHaveLength(8);
		expect(kept[0]).toEqual({ question: 'Vraag 1', counter: 'Eens' });
		const replay = await post('/api/v1/answers', { ballot: joined.body.ballot, answers: answersFor(app.seed.questions) }, { 'accept-language': 'en-GB,en' });
		expect(replay.status).toBe(409);
		expect(replay.body.error.code).toBe('ballot_used');
		expect(replay.body.error.message).toMatch(/already been received/);
		// The questionnaire text is kept per version and language: English after Dutch is English.
		const english = await post('/api/v1/join', { code: app.seed.open.joinCode }, { 'accept-language': 'en' });
		expect(english.body.questionnaire.questions[0]).toMatchObject({ prompt: 'Question 1', type: 'agree5' });
		expect(english.body.ballot).not.toBe(joined.body.ballot);
		const dutch = await post('/api/v1/join', { code: app.seed.open.joinCode });
		expect(dutch.body.questionnaire).toEqual(joined.body.questionnaire);
	});

	it('answers in the request language, with the documented statuses', async () => {
		expect((await post('/api/v1/join', { code: 'ZZZZZZ' })).status).toBe(404);
		const closed = await post('/api/v1/join', { code: app.seed.closed.joinCode }, { 'accept-language': 'en' });
		expect(closed.status).toBe(410);
		expect(closed.body.error).toEqual({ code: 'closed', message: expect.stringMatching(/closed/) });
		const dutch = await post('/api/v1/join', { code: app.seed.closed.joinCode });
		expect(dutch.body.error.message).toMatch(/gesloten/);
	});

	it('refuses a full round at join and at submit, counting nothing extra (S3 cap)', async () => {
		const first = await post('/api/v1/join', { code: app.seed.capped.joinCode });
		const second = await post('/api/v1/join', { code: app.seed.capped.joinCode });
		expect((await post('/api/v1/answers', { ballot: first.body.ballot, answers: answersFor(app.seed.questions) })).status).toBe(201);
		const late = await post('/api/v1/answers', { ballot: second.body.ballot, answers: answersFor(app.seed.questions) });
		expect(late.status).toBe(409);
		expect(late.body.error.code).toBe('full');
		expect((await post('/api/v1/join', { code: app.seed.capped.joinCode })).status).toBe(409);
	});

	it.each([
		['not JSON', '{"code":'],
		['a wrong shape', { code: 123 }],
		['a malformed code', { code: 'O0O0O0' }],
		['extra fields', { code: 'ABCDEF', name: 'Piet' }]
	])('refuses a join with %s as 400 with the error shape', async (_, body) => {
		const result = await post('/api/v1/join', body);
		expect(result.status).toBe(400);
		expect(result.body.error).toEqual({ code: 'bad_request', message: expect.any(String) });
	});

	it('refuses bad answers with 400, changing no counter and keeping the ballot usable', async () => {
		const joined = await post('/api/v1/join', { code: app.seed.open.joinCode });
		const byType = Object.fromEntries(app.seed.questions.map((q) => [q.type, q.id]));
		const bad: Array<[unknown, string]> = [
			[{ [byType.agree5!]: 9 }, 'invalid'],
			[{ 'no-such-question': 1 }, 'invalid'],
			[{ [byType.one_word!]: 'two words' }, 'invalid_word'],
			[{ [byType.one_word!]: 'x'.repeat(31) }, 'invalid_word'],
			[{}, 'empty']
		];
		for (const [answers, code] of bad) {
			const result = await post('/api/v1/answers', { ballot: joined.body.ballot, answers });
			expect(result.status).toBe(400);
			expect(result.body.error.code).toBe(code);
		}
		expect((await post('/api/v1/answers', { ballot: 'nonsense', answers: { a: 1 } })).status).toBe(400);
		const oversized = await post('/api/v1/answers', 'x'.repeat(20_000));
		expect(oversized).toMatchObject({ status: 400, body: { error: { code: 'too_large' } } });
		// The same ballot still counts once after all those refusals.
		expect((await post('/api/v1/answers', { ballot: joined.body.ballot, answers: { [byType.rating10!]: 2 } })).status).toBe(201);
	});

	it('serves the questionnaire page without JavaScript and takes a plain form post', async () => {
		const page = await fetch(`${app.server.url}/r/${app.seed.open.joinCode}`, { headers: { 'user-agent': USER_AGENT } });
		expect(page.status).toBe(200);
		expect(page.headers.get('set-cookie')).toBeNull();
		const html = await page.text();
		const ballot = /name="ballot" value="([^"]+)"/.exec(html)![1]!;
		const form = new URLSearchParams({ ballot });
		const byType = Object.fromEntries(app.seed.questions.map((q) => [q.type, q.id]));
		form.append(`s.${byType.agree5}`, '5');
		form.append(`m.${byType.multiple_choice}`, '1');
		form.append(`m.${byType.multiple_choice}`, '2');
		form.append(`w.${byType.one_word}`, 'Fijn');
		const sent = await fetch(`${app.server.url}/r/${app.seed.open.joinCode}`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: app.server.url, 'user-agent': USER_AGENT },
			body: form
		});
		// The answer is the thank-you page with what was kept, and what the phone keeps: nothing.
		expect(sent.status).toBe(200);
		expect(sent.headers.get('set-cookie')).toBeNull();
		const thanks = await sent.text();
		expect(thanks).toContain('Wat we hebben bewaard');
		expect(thanks).toContain('Vraag 1 → <strong>Helemaal eens</strong> +1');
		expect(thanks).toContain('<strong>"fijn"</strong> +1');
		expect(thanks).toContain('Niets: zonder JavaScript bewaart deze pagina niets op je telefoon.');
	});

	it('S7: a one-word answer is kept only as a counter of its normalised term', async () => {
		const byType = Object.fromEntries(app.seed.questions.map((q) => [q.type, q.id]));
		for (const word of ['  Gezellig', 'gezellig ', 'GEZELLIG']) {
			const joined = await post('/api/v1/join', { code: app.seed.open.joinCode });
			expect((await post('/api/v1/answers', { ballot: joined.body.ballot, answers: { [byType.one_word!]: word } })).status).toBe(201);
		}
		const joined = await post('/api/v1/join', { code: app.seed.open.joinCode });
		const sentence = await post('/api/v1/answers', { ballot: joined.body.ballot, answers: { [byType.one_word!]: 'heel erg gezellig' } });
		expect(sentence.body.error.code).toBe('invalid_word');
		sevenChecked = true;
	});

	it('survives random and hostile payloads: every answer a 4xx with the error shape', async () => {
		const hostile: unknown[] = [
			null, [], 42, 'code', { code: null }, { code: ['ABCDEF'] }, { tan: 'x'.repeat(41) }, { __proto__: { code: 'ABCDEF' } },
			{ ballot: null, answers: {} }, { ballot: 'a.b', answers: [] }, { ballot: 'x'.repeat(101), answers: {} },
			{ ballot: `${'A'.repeat(22)}.${'B'.repeat(22)}`, answers: { x: 1 } }, { ballot: `${'A'.repeat(22)}.${'B'.repeat(22)}`, answers: { ['q'.repeat(65)]: 1 } },
			{ ballot: 'b', answers: { a: { nested: true } } }, { ballot: 'b', answers: { a: Array(60).fill(1) } }, "{\"code\": \"'; drop table rounds; --\"}"
		];
		let seed = 7;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		for (let i = 0; i < 60; i++) {
			const bytes = Array.from({ length: Math.floor(random() * 200) }, () => String.fromCharCode(Math.floor(random() * 0x2fff)));
			hostile.push(bytes.join(''));
		}
		for (const [i, body] of hostile.entries()) {
			for (const path of ['/api/v1/join', '/api/v1/answers']) {
				const raw = typeof body === 'string' && i >= 15 ? body : JSON.stringify(body);
				const result = await post(path, raw);
				expect(result.status, `${path} ${raw.slice(0, 60)}`).toBeGreaterThanOrEqual(400);
				expect(result.status, `${path} ${raw.slice(0, 60)}`).toBeLessThan(500);
				expect(result.body.error, `${path} ${raw.slice(0, 60)}`).toEqual({ code: expect.any(String), message: expect.any(String) });
			}
		}
	});

	it('S1: the whole flow set no cookie, and neither the database nor the log holds the IP or user agent', async () => {
		expect(cookies).toEqual([]);
		// The server's own listening address is not a client's.
		const output = app.server.output().split('\n').filter((line) => !line.startsWith('Listening on')).join('\n');
		const dump = await app.inspect(async (db) => {
			const tables = await db.select({ name: sql<string>`table_name` }).from(sql`information_schema.tables`).where(sql`table_schema = 'public'`);
			const parts: string[] = [];
			for (const { name } of tables) {
				const rows = await db.select({ row: sql<string>`row_to_json(t)::text` }).from(sql`${sql.identifier(name)} t`);
				parts.push(...rows.map((r) => r.row));
			}
			return parts.join('\n');
		});
		for (const trace of ['127.0.0.1', '::1', '::ffff:', USER_AGENT, 'S1 marker']) {
			expect(dump).not.toContain(trace);
			expect(output).not.toContain(trace);
		}
		expect(output).not.toContain(app.seed.open.joinCode);
		expect(dump).toContain('"n":');
		expect(dump).not.toContain('heel erg');
		// S7: the three spellings became one term with its count, once the close wrote what was
		// held (S6); the refused sentence left nothing.
		if (sevenChecked) {
			const closed = await app.inspect(async (db) => {
				await rounds.close(db, app.seed.open.id);
				const rows = await db.select({ row: sql<string>`row_to_json(t)::text` }).from(sql`answer_counts t`);
				return rows.map((r) => r.row).join('\n');
			});
			expect(closed).toMatch(/"choice":"gezellig","n":3/);
		}
	});
});
