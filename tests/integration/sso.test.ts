import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db/client';
import { identityProviders, schools, securityLog, staffIdentities, users } from '../../src/lib/server/db/schema';
import * as providers from '../../src/lib/server/sso/providers';
import { CookieBrowser } from '../helpers/cookie-browser';
import { createSchool, createStaff, giveSecondFactor, TEST_PASSWORD } from '../helpers/factories';
import { CONFIDENTIAL_CLIENT, PUBLIC_CLIENT, startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { freePort } from '../helpers/server';
import { engines } from '../helpers/test-db';

/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider on https, its own key
 * pair), the whole redirect flow over HTTP with a cookie jar: the happy path, and each way a
 * sign-in must fail. Every failure case breaks when the check behind it is removed.
 */

const accounts = [
	{ sub: 'sub-juf', email: 'juf@eik.test', emailVerified: true },
	{ sub: 'sub-admin', email: 'beheer@eik.test', emailVerified: true },
	{ sub: 'sub-unverified', email: 'juf@eik.test', emailVerified: false },
	{ sub: 'sub-other-school', email: 'leraar.b@eik.test', emailVerified: true },
	{ sub: 'sub-foreign-domain', email: 'juf@anker.test', emailVerified: true },
	{ sub: 'sub-stranger', email: 'nieuw@eik.test', emailVerified: true }
];

const failures = {
	expired: 'Deze inlogpoging is al gebruikt of duurde langer dan 10 minuten.',
	rejected: 'De inlogdienst van uw school heeft niet bevestigd wie u bent.',
	unverified_email: 'Uw schoolaccount heeft geen bevestigd e-mailadres',
	domain_not_allowed: 'Deze school laat geen medewerkers inloggen met een e-mailadres van dat domein.',
	no_account: 'Er is geen LesSpiegel-account voor dit schoolaccount.'
};

function seed(issuer: string) {
	return async (db: Database) => {
		const eik = await createSchool(db, 'Basisschool De Eik');
		const anker = await createSchool(db, 'Kindcentrum Het Anker');
		const admin = await createStaff(db, { email: 'beheer@eik.test', roles: [{ schoolId: eik.id, role: 'admin' }] });
		await giveSecondFactor(db, admin.id);
		const teacher = await createStaff(db, { email: 'Juf@Eik.test', roles: [{ schoolId: eik.id, role: 'teacher' }] });
		await createStaff(db, { email: 'leraar.b@eik.test', roles: [{ schoolId: anker.id, role: 'teacher' }] });
		await createStaff(db, { email: 'juf@anker.test', roles: [{ schoolId: eik.id, role: 'teacher' }] });
		const providerId = await providers.add(db, eik.id, { name: 'Eik-account', issuer, clientId: PUBLIC_CLIENT, clientSecret: '', allowedDomains: ['eik.test'] }, admin.id, null);
		await db.update(schools).set({ requireSso: true }).where(eq(schools.id, eik.id));
		const adminToken = (await createSession(db, admin.id, { absoluteMs: 3_600_000, idleMs: 3_600_000 }, true)).token;
		return { eik, admin, teacher, providerId, adminToken };
	};
}

type Seed = Awaited<ReturnType<ReturnType<typeof seed>>>;

describe.each(engines)('single sign-on with a real OpenID Connect provider on %s', (engine) => {
	let idp: TestProvider;
	let app: SeededServer<Seed>;
	let appUrl: string;

	beforeAll(async () => {
		const port = await freePort();
		appUrl = `http://127.0.0.1:${port}`;
		idp = await startOidcProvider({ redirectUris: [`${appUrl}/login/sso/callback`], accounts });
		app = await startSeededServer(engine, seed(idp.issuer), {
			PORT: String(port),
			NODE_EXTRA_CA_CERTS: idp.caFile,
			SSO_SECRET_KEY: randomBytes(32).toString('base64url')
		});
	});
	afterAll(async () => {
		await app?.destroy();
		await idp?.close();
	});

	/** A fresh browser signs in at the provider as `sub`; returns the callback URL, not yet visited. */
	async function atProvider(sub: string, providerId = app.seed.providerId) {
		const browser = new CookieBrowser(idp.fetch);
		const loginPage = await browser.follow(`${appUrl}/login/sso/${providerId}`);
		expect(loginPage.url.startsWith(`${idp.issuer}/interaction/`), loginPage.url).toBe(true);
		const isCallback = (url: string) => url.startsWith(`${appUrl}/login/sso/callback`);
		const back = await browser.follow(
			`${loginPage.url}/login`,
			{ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login: sub }) },
			isCallback
		);
		expect(isCallback(back.url), back.url).toBe(true);
		return { browser, callback: back.url };
	}

	async function finishAt(browser: CookieBrowser, callback: string) {
		const response = await browser.request(callback);
		return { status: response.status, location: response.headers.get('location'), body: await response.text(), session: browser.cookies.get('lesspiegel_session') };
	}

	async function signIn(sub: string) {
		const { browser, callback } = await atProvider(sub);
		return { browser, callback, ...(await finishAt(browser, callback)) };
	}

	/** Failed sign-ins so far, checked against the security log by the last test. */
	let failedSignIns = 0;

	it('a teacher of a school that requires it signs in through the provider and lands on the dashboard', async () => {
		const { browser, status, location, session } = await signIn('sub-juf');
		expect([status, location]).toEqual([303, '/dashboard']);
		expect(session).toBeTruthy();
		const dashboard = await browser.request(`${appUrl}/dashboard`);
		expect(dashboard.status).toBe(200);
		expect(await dashboard.text()).toContain('Juf@Eik.test');
		// My data shows the link to the provider's subject, and the sign-in in the security log.
		const myData = await (await browser.request(`${appUrl}/account`)).text();
		expect(myData).toContain(`<code>${idp.issuer}</code>`);
		expect(myData).toContain('<code>sub-juf</code>');
		expect(myData).toContain('Ingelogd via de inlogdienst van de school');
	});

	it('refuses the same teacher a password login, with a clear message; the admin keeps it (break-glass)', async () => {
		const attempt = async (email: string) =>
			fetch(`${appUrl}/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appUrl, accept: 'text/html' },
				body: new URLSearchParams({ email, password: TEST_PASSWORD })
			});
		const teacher = await attempt('juf@eik.test');
		expect(teacher.status).toBe(403);
		expect(await teacher.text()).toContain('Uw school laat u inloggen via haar eigen inlogdienst');
		expect(teacher.headers.getSetCookie().some((c) => c.startsWith('lesspiegel_session='))).toBe(false);
		const admin = await attempt('beheer@eik.test');
		expect([admin.status, admin.headers.get('location')]).toEqual([303, '/login/two-factor?next=%2Fdashboard']);
	});

	it('refuses a callback whose state is not the one this browser was sent with', async () => {
		const { browser, callback } = await atProvider('sub-juf');
		const forged = new URL(callback);
		forged.searchParams.set('state', 'c3RhdGUtb2YtYW5vdGhlci1hdHRlbXB0');
		const result = await finishAt(browser, forged.href);
		failedSignIns++;
		expect(result.body).toContain(failures.rejected);
		expect(result.session).toBeUndefined();
	});

	it('refuses a replayed callback (the same code and state again), even with the attempt cookie', async () => {
		const { browser, callback, status } = await signIn('sub-juf');
		expect(status).toBe(303);
		const replay = new CookieBrowser();
		const attemptCookie = [...browser.cookies].find(([name]) => name === 'lesspiegel_sso');
		expect(attemptCookie).toBeUndefined();
		// An attacker who copied the cookie before it was used up gets nothing either.
		const { browser: victim, callback: fresh } = await atProvider('sub-juf');
		replay.cookies.set('lesspiegel_sso', victim.cookies.get('lesspiegel_sso')!);
		expect((await finishAt(victim, fresh)).status).toBe(303);
		const replayed = await finishAt(replay, fresh);
		failedSignIns++;
		expect(replayed.body).toContain(failures.expired);
		expect(replayed.session).toBeUndefined();
		expect(callback).not.toBe(fresh);
	});

	it.each([
		['a wrong audience', (c: Record<string, unknown>) => ({ claims: { ...c, aud: 'een-andere-applicatie' } })],
		['an expired ID token', (c: Record<string, unknown>) => ({ claims: { ...c, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 1800 } })],
		['a signature by another key', (c: Record<string, unknown>) => ({ claims: c, signWithOtherKey: true })],
		['another issuer', (c: Record<string, unknown>) => ({ claims: { ...c, iss: 'https://idp.attacker.example' } })]
	])('refuses an ID token with %s', async (_name, tamper) => {
		const { browser, callback } = await atProvider('sub-juf');
		idp.tamper = tamper;
		try {
			const result = await finishAt(browser, callback);
			failedSignIns++;
			expect(result.body).toContain(failures.rejected);
			expect(result.session).toBeUndefined();
		} finally {
			idp.tamper = null;
		}
	});

	it.each([
		['an unverified e-mail address', 'sub-unverified', failures.unverified_email],
		['an e-mail address of a staff member of another school', 'sub-other-school', failures.no_account],
		['an e-mail address of a domain the school did not allow', 'sub-foreign-domain', failures.domain_not_allowed],
		['an e-mail address nobody was invited with, and creates no account', 'sub-stranger', failures.no_account]
	])('refuses %s', async (_name, sub, text) => {
		const result = await signIn(sub);
		failedSignIns++;
		expect(result.status).toBe(200);
		expect(result.body).toContain(text);
		expect(result.session).toBeUndefined();
	});

	it('an admin adds a provider with a client secret on the sign-in page; it is stored sealed and signs staff in', async () => {
		const admin = new CookieBrowser();
		admin.cookies.set('lesspiegel_session', app.seed.adminToken);
		const added = await admin.request(`${appUrl}/schools/${app.seed.eik.id}/sign-in?/addProvider`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appUrl, accept: 'application/json', 'x-sveltekit-action': 'true' },
			body: new URLSearchParams({ name: 'Eik (vertrouwelijk)', issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT.id, clientSecret: CONFIDENTIAL_CLIENT.secret, allowedDomains: 'eik.test, Eik.test' })
		});
		expect(await added.json()).toMatchObject({ type: 'success' });
		const loginPage = await (await fetch(`${appUrl}/login`)).text();
		const providerId = /href="\/login\/sso\/([0-9a-f-]{36})[^"]*"[^>]*>\s*Basisschool De Eik: Eik \(vertrouwelijk\)/.exec(loginPage)?.[1];
		expect(providerId).toBeTruthy();
		const { browser, callback } = await atProvider('sub-admin', providerId);
		const result = await finishAt(browser, callback);
		// The admin has an authenticator app: single sign-on is the first step, the code the second.
		expect([result.status, result.location]).toEqual([303, '/login/two-factor?next=%2Fdashboard']);
		const unreachable = await admin.request(`${appUrl}/schools/${app.seed.eik.id}/sign-in?/addProvider`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: appUrl, accept: 'application/json', 'x-sveltekit-action': 'true' },
			body: new URLSearchParams({ name: 'Nergens', issuer: 'https://127.0.0.1:1', clientId: 'x', clientSecret: '', allowedDomains: 'eik.test' })
		});
		expect(await unreachable.json()).toMatchObject({ type: 'failure', status: 400 });
	});

	// Last: on PGlite, reading the database stops the server.
	it('kept of it all: no new account, every failure in the security log, the secret sealed, one link per subject', async () => {
		const kept = await app.inspect(async (db) => ({
			users: await db.select({ email: users.email }).from(users),
			failures: await db.select({ id: securityLog.id }).from(securityLog).where(eq(securityLog.event, 'sso_login_failure')),
			links: await db.select({ subject: staffIdentities.subject, userId: staffIdentities.userId }).from(staffIdentities).orderBy(staffIdentities.subject),
			providers: await db.select().from(identityProviders).orderBy(identityProviders.createdAt)
		}));
		expect(kept.users.map((u) => u.email).sort()).toEqual(['Juf@Eik.test', 'beheer@eik.test', 'juf@anker.test', 'leraar.b@eik.test']);
		expect(kept.failures).toHaveLength(failedSignIns);
		expect(kept.links).toEqual([
			{ subject: 'sub-admin', userId: app.seed.admin.id },
			{ subject: 'sub-juf', userId: app.seed.teacher.id }
		]);
		expect(kept.providers).toHaveLength(2);
		const sealed = kept.providers[1]!;
		expect(sealed.allowedDomains).toEqual(['eik.test']);
		expect(sealed.clientSecret).toMatch(/^v1\./);
		expect(sealed.clientSecret).not.toContain(CONFIDENTIAL_CLIENT.secret);
	});
});
