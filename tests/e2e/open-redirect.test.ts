import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchool, createStaff, TEST_PASSWORD } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { launchBrowser, openPhone } from './helpers/browser';

/**
 * Issue 17 as it was found: a login link whose `next` has a tab after the first slash. In
 * Chromium the enhanced form followed the redirect, the URL parser dropped the tab, and the
 * browser ended on a server at another loopback address. Here that server counts its visitors.
 */

const EMAIL = 'juf.phish@school.test';
let app: SeededServer<void>;
let browser: Browser;
let attacker: http.Server;
let attackerVisits = 0;

beforeAll(async () => {
	app = await startSeededServer('pglite', async (db) => {
		const school = await createSchool(db);
		await createStaff(db, { email: EMAIL, roles: [{ schoolId: school.id, role: 'teacher' }] });
	});
	attacker = http.createServer((_req, res) => {
		attackerVisits++;
		res.end('<h1>Uw sessie is verlopen, log opnieuw in</h1>');
	});
	await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.2', resolve));
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await new Promise((resolve) => attacker?.close(resolve));
	await app?.destroy();
});

describe('a login link that tries to send the staff member elsewhere', () => {
	it.each([true, false])('stays on our origin after the password (JavaScript %s)', async (javaScriptEnabled) => {
		const phone = await openPhone(browser, app.server.url, { javaScriptEnabled });
		try {
			const { port } = attacker.address() as AddressInfo;
			const next = encodeURIComponent(`/\t/127.0.0.2:${port}/phish`);
			// Typed and sent once the page is hydrated, so the enhanced form (the case) is what sends it.
			await phone.page.goto(`${app.server.url}/login?next=${next}`, { waitUntil: 'networkidle' });
			await phone.page.fill('input[name=email]', EMAIL);
			await phone.page.fill('input[name=password]', TEST_PASSWORD);
			await phone.page.locator('main form button[type=submit]').click();
			await phone.page.waitForURL((url) => url.pathname === '/dashboard', { timeout: 30_000 });
			await phone.page.waitForLoadState('networkidle');
			expect(new URL(phone.page.url()).origin).toBe(new URL(app.server.url).origin);
			expect(attackerVisits).toBe(0);
			expect(phone.problems()).toEqual([]);
		} finally {
			await phone.close();
		}
	});
});
