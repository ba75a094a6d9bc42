import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityLog } from '../../src/lib/server/db/schema';
import { createSchool, createStaff, TEST_PASSWORD } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { freePort } from '../helpers/server';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';

/**
 * Passkeys with Chromium's virtual authenticator (the DevTools WebAuthn domain: a real CTAP2
 * authenticator in software, with user verification), against the real server. WebAuthn does
 * not take an IP address as the site, so this server's ORIGIN is http://localhost:PORT.
 */

const EMAIL = 'juf.passkey@school.test';
let app: SeededServer<{ userId: string }>;
let browser: Browser;
let appUrl: string;

beforeAll(async () => {
	const port = await freePort();
	appUrl = `http://localhost:${port}`;
	app = await startSeededServer(
		'pglite',
		async (db) => {
			const school = await createSchool(db);
			const user = await createStaff(db, { email: EMAIL, roles: [{ schoolId: school.id, role: 'teacher' }] });
			return { userId: user.id };
		},
		{ PORT: String(port), ORIGIN: appUrl }
	);
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await app?.destroy();
});

async function withAuthenticator(who: Phone) {
	const cdp = await who.context.newCDPSession(who.page);
	await cdp.send('WebAuthn.enable');
	const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true }
	});
	return async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
}

async function check(who: Phone, name: string) {
	await who.page.waitForLoadState('networkidle');
	expect(await axeViolations(who.page)).toEqual([]);
	expect(who.problems()).toEqual([]);
	await screenshot(who.page, name);
}

async function logOut(who: Phone) {
	await who.page.getByRole('button', { name: 'Uitloggen', exact: true }).click();
	await who.page.waitForURL((url) => url.pathname === '/login');
}

describe('passkeys in the browser', () => {
	it('a teacher adds a passkey, then logs in with it alone, and uses it as the second step after the password', async () => {
		const teacher = await openPhone(browser, appUrl);
		try {
			const credentials = await withAuthenticator(teacher);
			await teacher.page.goto(`${appUrl}/login`);
			await teacher.page.fill('input[name=email]', EMAIL);
			await teacher.page.fill('input[name=password]', TEST_PASSWORD);
			await teacher.page.locator('main form[method=post] button[type=submit]').click();
			await teacher.page.waitForURL((url) => url.pathname === '/dashboard');

			await teacher.page.goto(`${appUrl}/account`);
			await expect(teacher.page.getByText('Nog geen passkey.').count()).resolves.toBe(1);
			await teacher.page.getByRole('button', { name: 'Passkey toevoegen' }).click();
			await teacher.page.getByText(/Passkey toegevoegd op/).waitFor();
			expect(await credentials()).toHaveLength(1);
			await check(teacher, 'account-passkey');

			await logOut(teacher);
			await teacher.page.getByRole('button', { name: 'Inloggen met een passkey' }).click();
			await teacher.page.waitForURL((url) => url.pathname === '/dashboard');
			await check(teacher, 'dashboard-after-passkey');

			// With a passkey the account has a second factor: after the password comes the passkey.
			await logOut(teacher);
			await teacher.page.fill('input[name=email]', EMAIL);
			await teacher.page.fill('input[name=password]', TEST_PASSWORD);
			await teacher.page.locator('main form[method=post] button[type=submit]').click();
			await teacher.page.waitForURL((url) => url.pathname === '/login/two-factor');
			await check(teacher, 'two-factor-passkey');
			await expect(teacher.page.locator('input[name=code]').count()).resolves.toBe(0);
			await teacher.page.getByRole('button', { name: 'Een passkey gebruiken' }).click();
			await teacher.page.waitForURL((url) => url.pathname === '/dashboard');
		} finally {
			await teacher.close();
		}
		const events = await app.peek((db) => db.select({ event: securityLog.event }).from(securityLog).where(eq(securityLog.userId, app.seed.userId)));
		expect(events.map((e) => e.event).filter((e) => e.startsWith('passkey'))).toEqual(['passkey_added', 'passkey_login_success', 'passkey_login_success']);
	});

	it('a browser without the passkey cannot use the account: the login fails with a message', async () => {
		const stranger = await openPhone(browser, appUrl);
		try {
			await withAuthenticator(stranger);
			await stranger.page.goto(`${appUrl}/login`);
			await stranger.page.getByRole('button', { name: 'Inloggen met een passkey' }).click();
			await stranger.page.getByText(/De passkey is niet geaccepteerd/).waitFor();
			expect(new URL(stranger.page.url()).pathname).toBe('/login');
		} finally {
			await stranger.close();
		}
	});
});
