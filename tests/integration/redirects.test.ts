import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db/client';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff, TEST_PASSWORD } from '../helpers/factories';
import { encodedTargets, escapingTargets } from '../helpers/redirect-payloads';
import { freePort } from '../helpers/server';
import { startSmtpSink } from '../helpers/smtp-sink';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';

/**
 * Issue 17: no `next` leaves the origin after a staff login, whether the form is posted plainly
 * (303 + Location) or by SvelteKit's enhanced form (JSON with `location`, which the page then
 * follows), and every target is resolved the way the browser resolves it: WHATWG URL, the same
 * parser Chromium uses.
 */

const EMAIL = 'juf.redirect@school.test';
const limits = { absoluteMs: 3_600_000, idleMs: 3_600_000 };

async function seed(db: Database) {
	const school = await createSchool(db);
	const teacher = await createStaff(db, { email: EMAIL, roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { teacherIds: [teacher.id] });
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
	const round = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: teacher.id });
	return { session: (await createSession(db, teacher.id, limits, true)).token, round };
}

type Seed = Awaited<ReturnType<typeof seed>>;

/** The address a browser ends on after following `location` from a page of `base`. */
const resolved = (location: string, base: string) => new URL(location, base);

describe('redirect targets after login stay on our origin', () => {
	let app: SeededServer<Seed>;
	let otherPort: number;
	beforeAll(async () => {
		otherPort = await freePort();
		app = await startSeededServer('pglite', seed, { LOGIN_MAX_ATTEMPTS: '1000' });
	});
	afterAll(async () => {
		await app?.destroy();
	});

	const origin = () => new URL(app.server.url).origin;
	const target = (next: string) => next.replace('PORT', String(otherPort));
	const loginPath = (next: string) => `/login?next=${encodeURIComponent(target(next))}`;

	async function postLogin(next: string, enhanced: boolean) {
		return fetch(`${app.server.url}${loginPath(next)}`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: origin(),
				// What Chromium sends for a form post and for SvelteKit's enhanced one.
				...(enhanced ? { 'x-sveltekit-action': 'true', accept: 'application/json' } : { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' })
			},
			body: new URLSearchParams({ email: EMAIL, password: TEST_PASSWORD })
		});
	}

	/** Where the browser goes after logging in with `next`, on the plain and the enhanced path. */
	async function destinations(next: string) {
		const plain = await postLogin(next, false);
		expect(plain.status).toBe(303);
		const enhanced = await postLogin(next, true);
		expect(enhanced.status).toBe(200);
		const body = (await enhanced.json()) as { type: string; location: string };
		expect(body.type).toBe('redirect');
		const page = `${app.server.url}${loginPath(next)}`;
		return [resolved(plain.headers.get('location')!, page), resolved(body.location, page)];
	}

	it.each(escapingTargets)('%s: lands on the dashboard of our own origin, on both paths', async (_name, next) => {
		for (const landed of await destinations(next)) {
			expect(landed.origin).toBe(origin());
			expect(landed.pathname).toBe('/dashboard');
		}
	});

	it.each(encodedTargets)('%s: stays a path on our origin, on both paths', async (_name, next, path) => {
		for (const landed of await destinations(next)) {
			expect(landed.origin).toBe(origin());
			expect(landed.pathname).toBe(path);
		}
	});

	it('keeps a genuine target, path and query, normalised', async () => {
		for (const landed of await destinations('/en/groups/../dashboard?tab=rounds')) {
			expect(landed.href).toBe(`${origin()}/en/dashboard?tab=rounds`);
		}
	});

	it.each(escapingTargets)('%s: an open session sent to the login or second-factor page stays on our origin', async (_name, next) => {
		for (const page of ['/login', '/login/two-factor']) {
			const url = `${app.server.url}${page}?next=${encodeURIComponent(target(next))}`;
			const response = await fetch(url, { redirect: 'manual', headers: { cookie: `lesspiegel_session=${app.seed.session}` } });
			expect(response.status).toBe(303);
			expect(resolved(response.headers.get('location')!, url).origin).toBe(origin());
		}
	});

	it("the language switch of a path that names another host links to our site's home", async () => {
		for (const path of ['/en//attacker.example/phish', '//attacker.example/phish', '/en/.//attacker.example']) {
			const html = await (await fetch(`${app.server.url}${path}`)).text();
			const hrefs = [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
			expect(hrefs.length).toBeGreaterThan(0);
			for (const href of hrefs) expect(resolved(href, `${app.server.url}${path}`).origin).toBe(origin());
		}
	});
});

/** A request with a Host and X-Forwarded-Host of the client's choosing (fetch would not send them). */
function requestWithHost(url: string, headers: Record<string, string>, form?: Record<string, string>): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const body = form ? new URLSearchParams(form).toString() : undefined;
		const request = http.request(url, { method: form ? 'POST' : 'GET', headers: form ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' } : headers }, (response) => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (text += chunk));
			response.on('end', () => resolve({ status: response.statusCode!, body: text }));
		});
		request.on('error', reject);
		request.end(body);
	});
}

describe('links the server builds name the configured origin, never the request', () => {
	const spoofed = { host: 'attacker.example', 'x-forwarded-host': 'attacker.example' };

	it.each([
		['ORIGIN set', (port: number) => ({ PORT: String(port), ORIGIN: 'https://lesspiegel.example' }), () => 'https://lesspiegel.example'],
		['ORIGIN unset', (port: number) => ({ PORT: String(port), ORIGIN: undefined }), (port: number) => `http://localhost:${port}`]
	] as const)('the projector join URL and QR code, with %s', async (_name, env, expected) => {
		const port = await freePort();
		const app = await startSeededServer('pglite', seed, env(port) as Record<string, string>);
		try {
			const cookie = `${env(port).ORIGIN ? '__Host-' : ''}lesspiegel_session=${app.seed.session}`;
			const { body: html } = await requestWithHost(`${app.server.url}/rounds/${app.seed.round.id}`, { ...spoofed, cookie });
			expect(html).toContain(`${expected(port)}/r/${app.seed.round.joinCode}`);
			expect(html).not.toContain('attacker.example');
		} finally {
			await app.destroy();
		}
	});

	it('the password-reset link mailed to a staff member', async () => {
		const smtp = await startSmtpSink();
		const port = await freePort();
		const origin = `http://localhost:${port}`;
		const app = await startSeededServer('pglite', seed, { PORT: String(port), ORIGIN: origin, SMTP_URL: smtp.url });
		try {
			const answer = await requestWithHost(`${app.server.url}/forgot-password`, { ...spoofed, origin }, { email: EMAIL });
			expect(answer.status).toBe(200);
			const mail = await smtp.nextMail();
			expect(mail).toMatch(new RegExp(`${origin}/reset/[A-Za-z0-9_-]+`));
			expect(mail).not.toContain('attacker.example');
		} finally {
			await app.destroy();
			await smtp.close();
		}
	});
});
