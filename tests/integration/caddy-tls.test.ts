import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db/client';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { caddyUnavailable, startCaddy, type RunningCaddy } from '../helpers/caddy';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff } from '../helpers/factories';
import { watchLive } from '../helpers/live-stream';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { freePort, startServer, type RunningServer } from '../helpers/server';
import { startLoad } from '../helpers/virtual-students';

/**
 * The documented production topology without Docker (docs/operations.md): Debian's Caddy
 * terminating TLS with a certificate of its local CA, in front of two `node server.js` on one
 * PostgreSQL. Students answer over https through instance A; the teacher's live count is served
 * by instance B and moves, so it crossed instances through the database. As in the nginx test, a
 * test-only header steers each request; without it Caddy balances over both.
 */

const skip = !process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL is not set' : caddyUnavailable();
if (skip) console.warn(`Skipping the TLS test behind Caddy: ${skip}`);

const STUDENTS = 6;

async function seed(db: Database) {
	const school = await createSchool(db);
	const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { teacherIds: [teacher.id] });
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
	const round = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: teacher.id });
	const session = await createSession(db, teacher.id, { absoluteMs: 3_600_000, idleMs: 3_600_000 }, true);
	return { round, questionId: version.questions[0]!.id, token: session.token };
}

/** What deploy/Caddyfile does (plain reverse_proxy: Caddy sets X-Forwarded-For/-Proto/-Host), plus the steering. */
const site = (a: number, b: number) => () => `
	@a header X-Test-Instance a
	@b header X-Test-Instance b
	reverse_proxy @a 127.0.0.1:${a} {
		header_down X-Upstream {http.reverse_proxy.upstream.hostport}
	}
	reverse_proxy @b 127.0.0.1:${b} {
		header_down X-Upstream {http.reverse_proxy.upstream.hostport}
	}
	reverse_proxy 127.0.0.1:${a} 127.0.0.1:${b} {
		lb_policy round_robin
		header_down X-Upstream {http.reverse_proxy.upstream.hostport}
	}`;

describe.skipIf(skip)('two instances behind Caddy with TLS', () => {
	it('a student submission over https through Caddy moves the live count on the other instance', async () => {
		const [portA, portB] = [await freePort(), await freePort()];
		const proxy: RunningCaddy = await startCaddy(site(portA, portB));
		let a: SeededServer<Awaited<ReturnType<typeof seed>>> | undefined;
		let b: RunningServer | undefined;
		try {
			// What compose.yaml sets: the public https origin, and the client address from Caddy's header.
			const env = { ORIGIN: proxy.url, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1', JOIN_MAX_PER_MINUTE: '1000' };
			a = await startSeededServer('postgres', seed, { ...env, PORT: String(portA) });
			b = await startServer({ ...env, PORT: String(portB), DATABASE_URL: a.databaseUrl! });
			const { round, questionId, token } = a.seed;
			const viaA = { 'x-test-instance': 'a' };

			// Over https the session cookie has the __Host- prefix, and HSTS is sent.
			const live = await watchLive(`${proxy.url}/rounds/${round.id}/live`, { cookie: `__Host-lesspiegel_session=${token}`, 'x-test-instance': 'b' }, proxy.fetch);
			try {
				expect(live.response.status).toBe(200);
				expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
				expect(live.response.headers.get('x-upstream')).toBe(`127.0.0.1:${portB}`);
				await expect.poll(() => live.counts, { timeout: 5_000 }).toEqual([0]);

				const join = await proxy.fetch(`${proxy.url}/api/v1/join`, { method: 'POST', headers: { ...viaA, 'content-type': 'application/json' }, body: JSON.stringify({ code: round.joinCode }) });
				expect(join.status).toBe(200);
				expect(join.headers.get('x-upstream')).toBe(`127.0.0.1:${portA}`);
				expect(join.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
				const students = startLoad({ baseUrl: proxy.url, joinCode: round.joinCode, answers: { [questionId]: 4 }, students: STUDENTS, concurrency: 3, timeoutMs: 20_000, headers: viaA, fetch: proxy.fetch });
				expect((await students.done).map((s) => s.first)).toEqual(Array.from({ length: STUDENTS }, () => ({ kind: 'acknowledged' })));

				// One more with the plain HTML form: SvelteKit's origin check passes only with the https ORIGIN.
				const page = await proxy.fetch(`${proxy.url}/r/${round.joinCode}`, { headers: viaA });
				const ballot = /name="ballot" value="([^"]+)"/.exec(await page.text())![1]!;
				const form = await proxy.fetch(`${proxy.url}/r/${round.joinCode}`, {
					method: 'POST',
					redirect: 'manual',
					headers: { ...viaA, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: proxy.url },
					body: new URLSearchParams({ ballot, [`s.${questionId}`]: '5' })
				});
				// Counted: the answer is the thank-you page with its receipt.
				expect(form.status).toBe(200);
				expect(await form.text()).toContain('Wat we hebben bewaard');
				expect(form.headers.get('set-cookie')).toBeNull();
				await expect.poll(() => live.counts.at(-1), { timeout: 10_000, interval: 50 }).toBe(STUDENTS + 1);
			} finally {
				await live.close();
			}

			// Without the steering header Caddy balances: both instances answer.
			const upstreams = new Set<string | null>();
			for (let i = 0; i < 6; i++) upstreams.add((await proxy.fetch(`${proxy.url}/healthz`)).headers.get('x-upstream'));
			expect(upstreams).toEqual(new Set([`127.0.0.1:${portA}`, `127.0.0.1:${portB}`]));
		} finally {
			await b?.stop();
			await a?.destroy();
			await proxy.stop();
		}
	});
});
