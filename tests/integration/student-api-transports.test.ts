import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { sveltekitOnlyEntry, startServer } from '../helpers/server';
import { migrationsDir } from '../helpers/test-db';

/**
 * server.js answers the student API itself, before SvelteKit (node-transport.ts); `node build`
 * and `vite dev` answer it through the SvelteKit routes. Both must be the same API: the same
 * exchange is played against each, on rounds of its own, and the transcripts compared.
 */

async function seedQuestionnaire(db: Database) {
	const school = await createSchool(db);
	const group = await createGroup(db, school.id);
	return { group, version: await createQuestionnaireVersion(db, school.id) };
}

/** Rounds of one questionnaire, so that both transcripts show the same question ids. */
async function seedRounds(db: Database, { group, version }: Awaited<ReturnType<typeof seedQuestionnaire>>) {
	const open = (extra: { cap?: number; tanOnly?: boolean } = {}) => rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null, ...extra });
	const [plain, capped, tanOnly, closed] = [await open(), await open({ cap: 1 }), await open({ tanOnly: true }), await open()];
	await rounds.close(db, closed.id);
	const agree = version.questions.find((q) => q.type === 'agree5')!.id;
	return { plain, capped, tanOnly, closed, agree };
}

type Rounds = Awaited<ReturnType<typeof seedRounds>>;

/** Headers that say what the reply is; connection bookkeeping (date, keep-alive) is left out. */
const comparedHeaders = [
	'content-type',
	'cache-control',
	'content-security-policy',
	'x-content-type-options',
	'referrer-policy',
	'x-frame-options',
	'cross-origin-opener-policy',
	'cross-origin-resource-policy',
	'permissions-policy',
	'strict-transport-security',
	'set-cookie',
	'allow'
];

const JOIN_LIMIT = 20;

/** Plays the exchange and returns what came back, with round ids, codes and ballots named, not shown. */
async function transcript(url: string, r: Rounds) {
	const names = new Map<string, string>([
		[r.plain.id, '<plain>'],
		[r.capped.id, '<capped>']
	]);
	const lines: unknown[] = [];
	async function send(what: string, path: string, body: string, headers: Record<string, string> = {}, method = 'POST') {
		const response = await fetch(`${url}${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7, 10.0.0.1', ...headers },
			body: method === 'GET' ? undefined : body
		});
		const text = await response.text();
		let json: Record<string, any> | string = text;
		try {
			json = JSON.parse(text) as Record<string, any>;
			if (typeof json.ballot === 'string') names.set(json.ballot, `<ballot ${names.size}>`);
		} catch {
			// A non-JSON reply (SvelteKit's 405, say) is compared as text.
		}
		const shown = [...names].reduce((s, [secret, name]) => s.replaceAll(secret, name), text);
		lines.push({ what, status: response.status, headers: comparedHeaders.map((h) => `${h}: ${response.headers.get(h)}`), body: shown });
		return json;
	}
	const post = (what: string, path: string, body: unknown, headers?: Record<string, string>) => send(what, path, JSON.stringify(body), headers);

	const joined = (await post('join with a lower-case code', '/api/v1/join', { code: r.plain.joinCode.toLowerCase() })) as Record<string, any>;
	await post('join in English', '/api/v1/join', { code: r.plain.joinCode }, { 'accept-language': 'en-GB,en;q=0.8' });
	await post('answer', '/api/v1/answers', { ballot: joined.ballot, answers: { [r.agree]: 4 } });
	await post('answer again', '/api/v1/answers', { ballot: joined.ballot, answers: { [r.agree]: 4 } }, { 'accept-language': 'en' });
	const second = (await post('join for an invalid answer', '/api/v1/join', { code: r.plain.joinCode })) as Record<string, any>;
	await post('answer out of range', '/api/v1/answers', { ballot: second.ballot, answers: { [r.agree]: 9 } });
	await post('answer nothing', '/api/v1/answers', { ballot: second.ballot, answers: {} });
	await post('answer with a made-up ballot', '/api/v1/answers', { ballot: 'not-a-ballot', answers: { [r.agree]: 1 } });
	const capped = (await post('join the capped round', '/api/v1/join', { code: r.capped.joinCode })) as Record<string, any>;
	await post('fill the capped round', '/api/v1/answers', { ballot: capped.ballot, answers: { [r.agree]: 2 } });
	await post('join the full round', '/api/v1/join', { code: r.capped.joinCode });
	await post('join a closed round', '/api/v1/join', { code: r.closed.joinCode }, { 'accept-language': 'en' });
	await post('join a round that wants a one-time code', '/api/v1/join', { code: r.tanOnly.joinCode });
	await post('join an unknown code', '/api/v1/join', { code: 'ZZZZZZ' });
	await post('join with an unknown one-time code', '/api/v1/join', { tan: 'ABCD-EFGH' });
	await post('join with a wrong shape', '/api/v1/join', { code: r.plain.joinCode, extra: 1 });
	await send('join with broken JSON', '/api/v1/join', '{"code":');
	await send('join with 17 KB', '/api/v1/join', JSON.stringify({ code: 'x'.repeat(17 * 1024) }));
	await send('answers with broken JSON', '/api/v1/answers', '[');
	await send('join by GET', '/api/v1/join', '', {}, 'GET');
	await send('a cross-site form post', '/api/v1/answers', '{}', { 'content-type': 'text/plain', origin: 'https://elsewhere.example' });
	// The limit counts per address, where ADDRESS_HEADER and XFF_DEPTH say to find it.
	for (let i = 0; i <= JOIN_LIMIT; i++) {
		await post(`join ${i + 1} from one address behind the proxy`, '/api/v1/join', { code: 'ZZZZZZ' }, { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' });
	}
	return lines;
}

describe('the student API over server.js and over SvelteKit', () => {
	let dataDir: string;
	let forKit: Rounds;
	let forNode: Rounds;

	beforeAll(async () => {
		dataDir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-transports-'));
		const handle = await openDatabase({ engine: 'pglite', dataDir, migrationsDir });
		try {
			const questionnaire = await seedQuestionnaire(handle.db);
			forKit = await seedRounds(handle.db, questionnaire);
			forNode = await seedRounds(handle.db, questionnaire);
		} finally {
			await handle.close();
		}
	});
	afterAll(async () => {
		await rm(dataDir, { recursive: true, force: true });
	});

	async function play(entry: string | undefined, r: Rounds) {
		const env = { DATA_DIR: dataDir, ORIGIN: 'https://lesspiegel.example', ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '2', JOIN_MAX_PER_MINUTE: String(JOIN_LIMIT) };
		const server = await startServer(env, undefined, entry);
		try {
			return await transcript(server.url, r);
		} finally {
			await server.stop();
		}
	}

	it('gives the same answers, statuses and headers on both', async () => {
		const viaKit = await play(sveltekitOnlyEntry, forKit);
		const viaNode = await play(undefined, forNode);
		expect(viaNode).toEqual(viaKit);
		// What the transcripts hold, so that equal cannot mean equally empty or equally broken.
		const statuses = Object.fromEntries((viaNode as { what: string; status: number }[]).map((l) => [l.what, l.status]));
		expect(statuses).toMatchObject({
			'join with a lower-case code': 200,
			answer: 201,
			'answer again': 409,
			'answer out of range': 400,
			'join the full round': 409,
			'join a closed round': 410,
			'join a round that wants a one-time code': 403,
			'join an unknown code': 404,
			'join with 17 KB': 400,
			'join by GET': 405,
			'a cross-site form post': 403,
			[`join ${JOIN_LIMIT} from one address behind the proxy`]: 404,
			[`join ${JOIN_LIMIT + 1} from one address behind the proxy`]: 429
		});
		expect(JSON.stringify(viaNode)).toContain('strict-transport-security: max-age=63072000');
	});
});
