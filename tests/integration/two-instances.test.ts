import { describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db/client';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff } from '../helpers/factories';
import { nginxUnavailable, startNginx, type RunningNginx } from '../helpers/nginx';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { freePort, startServer, type RunningServer } from '../helpers/server';
import { watchLive } from '../helpers/live-stream';
import { startLoad } from '../helpers/virtual-students';

/**
 * Two app instances on one PostgreSQL behind nginx (QUALITY.md "Reliability"): students who
 * answer through one instance move the live count on a teacher's screen served by the other.
 *
 * To make "the other" provable, a test-only header steers each request: students to instance A,
 * the teacher's stream to B (without the header nginx balances over both, as in production).
 * B then writes nothing, so every count its stream shows was committed through A and reached B
 * through the shared database (LISTEN/NOTIFY). nginx's access log and an X-Upstream response
 * header confirm where each request really went.
 */

const skip = !process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL is not set' : nginxUnavailable();
if (skip) console.warn(`Skipping the two-instance test behind nginx: ${skip}`);

const STUDENTS = 6;
/** Well under the stream's 20 s re-check, so the counts can only have come by notification. */
const LIVE_WITHIN_MS = 10_000;

async function seed(db: Database) {
	const school = await createSchool(db);
	const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { teacherIds: [teacher.id] });
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
	const round = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: teacher.id });
	const session = await createSession(db, teacher.id, { absoluteMs: 3_600_000, idleMs: 3_600_000 }, true);
	return { round, questionId: version.questions[0]!.id, token: session.token };
}

/**
 * nginx in front of both instances. The app is told its public origin (ORIGIN) is nginx's, so
 * SvelteKit's form-post check and the staff origin check compare against the address the
 * browser used; Host and X-Forwarded-Proto are passed on as a real deployment would. The log
 * holds no address and no path (join codes are in paths: S1).
 */
const proxyConfig = (a: number, b: number) => (port: number, accessLog: string) => `
	upstream lesspiegel { server 127.0.0.1:${a}; server 127.0.0.1:${b}; }
	map $http_x_test_instance $backend { default lesspiegel; a 127.0.0.1:${a}; b 127.0.0.1:${b}; }
	log_format steered '$http_x_test_instance $upstream_addr $request_method $status';
	access_log ${accessLog} steered;
	server {
		listen 127.0.0.1:${port};
		location / {
			proxy_pass http://$backend;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-Proto $scheme;
			# Server-sent events: pass each event on at once; the stream may be quiet between heartbeats.
			proxy_buffering off;
			proxy_read_timeout 1h;
			add_header X-Upstream $upstream_addr always;
		}
	}`;

describe.skipIf(skip)('two instances behind nginx', () => {
	it('students answering through instance A move the live count on a teacher screen served by instance B', async () => {
		const [portA, portB] = [await freePort(), await freePort()];
		const proxy: RunningNginx = await startNginx(proxyConfig(portA, portB));
		let a: SeededServer<Awaited<ReturnType<typeof seed>>> | undefined;
		let b: RunningServer | undefined;
		try {
			const env = { ORIGIN: proxy.url, JOIN_MAX_PER_MINUTE: '1000' };
			a = await startSeededServer('postgres', seed, { ...env, PORT: String(portA) });
			b = await startServer({ ...env, PORT: String(portB), DATABASE_URL: a.databaseUrl! });
			const { round, questionId, token } = a.seed;

			const live = await watchLive(`${proxy.url}/rounds/${round.id}/live`, { cookie: `lesspiegel_session=${token}`, 'x-test-instance': 'b' });
			try {
				expect(live.response.status).toBe(200);
				expect(live.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
				expect(live.response.headers.get('x-upstream')).toBe(`127.0.0.1:${portB}`);
				await expect.poll(() => live.counts, { timeout: 5_000 }).toEqual([0]);

				const viaA = { 'x-test-instance': 'a' };
				const students = startLoad({ baseUrl: proxy.url, joinCode: round.joinCode, answers: { [questionId]: 4 }, students: STUDENTS, concurrency: 3, timeoutMs: 20_000, headers: viaA });
				expect((await students.done).map((s) => s.first)).toEqual(Array.from({ length: STUDENTS }, () => ({ kind: 'acknowledged' })));

				// One more answers with the plain HTML form, which SvelteKit's origin check guards.
				const page = await fetch(`${proxy.url}/r/${round.joinCode}`, { headers: viaA });
				const ballot = /name="ballot" value="([^"]+)"/.exec(await page.text())![1]!;
				const form = await fetch(`${proxy.url}/r/${round.joinCode}`, {
					method: 'POST',
					redirect: 'manual',
					headers: { ...viaA, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: proxy.url },
					body: new URLSearchParams({ ballot, [`s.${questionId}`]: '5' })
				});
				// Counted: the answer is the thank-you page with its receipt.
				expect(form.status).toBe(200);
				expect(await form.text()).toContain('Wat we hebben bewaard');
				const answered = STUDENTS + 1;
				await expect.poll(() => live.counts.at(-1), { timeout: LIVE_WITHIN_MS, interval: 50 }).toBe(answered);
				expect(live.counts).toEqual([...live.counts].sort((x, y) => x - y));
			} finally {
				await live.close();
			}

			// Where every request went, by nginx's own account: students only to A, the stream only to B.
			// nginx logs a request when it ends, and the stream has only just been closed: wait for it.
			const logged = async () => (await proxy.accessLog()).trim().split('\n').map((line) => line.split(' '));
			await expect.poll(async () => (await logged()).some(([pin]) => pin === 'b'), { timeout: 10_000, interval: 50 }).toBe(true);
			const lines = await logged();
			const upstreams = (pin: string) => new Set(lines.filter(([p]) => p === pin).map(([, upstream]) => upstream));
			expect(lines.filter(([pin, , method]) => pin === 'a' && method === 'POST')).toHaveLength(2 * STUDENTS + 1);
			expect(upstreams('a')).toEqual(new Set([`127.0.0.1:${portA}`]));
			expect(lines.filter(([pin]) => pin === 'b')).toEqual([['b', `127.0.0.1:${portB}`, 'GET', '200']]);
		} finally {
			await b?.stop();
			await a?.destroy();
			await proxy.stop();
		}
	});
});
