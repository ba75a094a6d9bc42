import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/lib/server/db/schema';
import { createSchool, createStaff, TEST_PASSWORD } from '../helpers/factories';
import { PUBLIC_CLIENT, startOidcProvider, type TestProvider } from '../helpers/oidc-provider';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { freePort } from '../helpers/server';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';
import { freshTotpCode } from './helpers/totp';

/**
 * Single sign-on in Chromium, as a school sets it up: the admin adds the school's identity
 * provider (a real OpenID Connect provider on https, started here) and requires it; then a
 * teacher is refused a password login and signs in at the provider instead.
 */

const ADMIN_KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let idp: TestProvider;
let app: SeededServer<{ schoolId: string }>;
let browser: Browser;

beforeAll(async () => {
	const port = await freePort();
	idp = await startOidcProvider({
		redirectUris: [`http://127.0.0.1:${port}/login/sso/callback`],
		accounts: [{ sub: 'sub-juf', email: 'juf@eik.test', emailVerified: true }]
	});
	app = await startSeededServer(
		'pglite',
		async (db) => {
			const school = await createSchool(db, 'Basisschool De Eik');
			const admin = await createStaff(db, { email: 'beheer@eik.test', roles: [{ schoolId: school.id, role: 'admin' }] });
			await db.update(users).set({ totpKey: ADMIN_KEY }).where(eq(users.id, admin.id));
			await createStaff(db, { email: 'juf@eik.test', roles: [{ schoolId: school.id, role: 'teacher' }] });
			return { schoolId: school.id };
		},
		{ PORT: String(port), NODE_EXTRA_CA_CERTS: idp.caFile }
	);
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await app?.destroy();
	await idp?.close();
});

async function check(who: Phone, name: string, allowedElsewhere = '') {
	await who.page.waitForLoadState('networkidle');
	expect(await axeViolations(who.page)).toEqual([]);
	expect(who.problems().filter((p) => !allowedElsewhere || !p.includes(allowedElsewhere))).toEqual([]);
	await screenshot(who.page, name);
}

async function passwordLogin(who: Phone, email: string) {
	await who.page.goto(`${app.server.url}/login`);
	await who.page.fill('input[name=email]', email);
	await who.page.fill('input[name=password]', TEST_PASSWORD);
	await who.page.locator('main form[method=post] button[type=submit]').click();
}

describe('single sign-on in the browser', () => {
	it('the admin adds the provider and requires it; the teacher then signs in there and lands on the dashboard', async () => {
		const admin = await openPhone(browser, app.server.url);
		try {
			await admin.page.setViewportSize({ width: 1280, height: 900 });
			await passwordLogin(admin, 'beheer@eik.test');
			await admin.page.waitForURL((url) => url.pathname === '/login/two-factor');
			await admin.page.fill('input[name=code]', await freshTotpCode(ADMIN_KEY));
			await admin.page.locator('main form button[type=submit]').click();
			await admin.page.waitForURL((url) => url.pathname === '/dashboard');
			await admin.page.goto(`${app.server.url}/schools/${app.seed.schoolId}`);
			await admin.page.getByRole('link', { name: 'Inloggen en single sign-on' }).click();
			await admin.page.waitForURL((url) => url.pathname.endsWith('/sign-in'));
			await check(admin, 'sign-in-settings-empty');
			await expect(admin.page.getByTestId('callback-url').textContent()).resolves.toBe(`${app.server.url}/login/sso/callback`);
			await admin.page.fill('input[name=name]', 'Eik-account');
			await admin.page.fill('input[name=issuer]', idp.issuer);
			await admin.page.fill('input[name=clientId]', PUBLIC_CLIENT);
			await admin.page.fill('input[name=allowedDomains]', 'eik.test');
			await admin.page.getByRole('button', { name: 'Inlogdienst toevoegen' }).click();
			await expect(admin.page.getByText('De inlogdienst is toegevoegd.').waitFor()).resolves.toBeUndefined();
			await admin.page.getByLabel(/Inloggen via de inlogdienst verplicht/).check();
			await admin.page.getByRole('button', { name: 'Regels opslaan' }).click();
			await expect(admin.page.getByText('De regels zijn opgeslagen.').waitFor()).resolves.toBeUndefined();
			// Saved as ticked, and still shown so: the leaders' second factor stayed on.
			await expect(admin.page.getByLabel(/Inloggen via de inlogdienst verplicht/).isChecked()).resolves.toBe(true);
			await expect(admin.page.getByLabel(/Schoolleiders moeten tweestapsverificatie/).isChecked()).resolves.toBe(true);
			await check(admin, 'sign-in-settings');
		} finally {
			await admin.close();
		}

		const teacher = await openPhone(browser, app.server.url, { ignoreHTTPSErrors: true });
		try {
			await passwordLogin(teacher, 'juf@eik.test');
			await expect(teacher.page.getByText('Uw school laat u inloggen via haar eigen inlogdienst').waitFor()).resolves.toBeUndefined();
			await check(teacher, 'login-sso-required');
			await teacher.page.getByRole('link', { name: 'Basisschool De Eik: Eik-account' }).click();
			await teacher.page.waitForURL((url) => url.href.startsWith(`${idp.issuer}/interaction/`));
			await teacher.page.selectOption('select[name=login]', 'sub-juf');
			await teacher.page.getByRole('button', { name: 'Sign in at the school' }).click();
			await teacher.page.waitForURL((url) => url.origin === new URL(app.server.url).origin && url.pathname === '/dashboard', { timeout: 10_000 });
			await check(teacher, 'dashboard-after-sso', idp.issuer);
			await expect(teacher.page.locator('body').textContent()).resolves.toContain('juf@eik.test');
		} finally {
			await teacher.close();
		}
	});
});
