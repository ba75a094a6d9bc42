import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../src/cli/demo';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';

/**
 * On the demo school: the school leader's dashboard, a teacher's trends and round results are
 * accessible, draw their charts from our own origin, and a teacher cannot open the dashboard.
 */

let app: SeededServer<Awaited<ReturnType<typeof seedDemo>>>;
let browser: Browser;
const opened: Phone[] = [];

beforeAll(async () => {
	app = await startSeededServer('pglite', (db) => seedDemo(db, { now: new Date('2026-11-23T12:00:00Z') }));
	browser = await launchBrowser();
});

afterAll(async () => {
	for (const phone of opened) await phone.close();
	await browser?.close();
	await app?.destroy();
});

async function logIn(email: string): Promise<Phone> {
	const who = await openPhone(browser, app.server.url);
	opened.push(who);
	await who.page.setViewportSize({ width: 1280, height: 900 });
	await who.page.goto(`${app.server.url}/login`, { waitUntil: 'networkidle' });
	await who.page.fill('input[name=email]', email);
	await who.page.fill('input[name=password]', DEMO_PASSWORD);
	await who.page.locator('main form button[type=submit]').click();
	await who.page.waitForURL((url) => url.pathname === '/dashboard', { timeout: 10_000 }).catch(async (e) => {
		throw new Error(`${e} at ${who.page.url()}: ${await who.page.locator('main').innerText()}`);
	});
	return who;
}

async function checkPage(who: Phone, name: string) {
	await who.page.waitForLoadState('networkidle');
	expect(await axeViolations(who.page)).toEqual([]);
	expect(who.problems()).toEqual([]);
	await screenshot(who.page, name);
}

function email(role: string) {
	return app.seed.logins.find((l) => l.role === role)!.email;
}

describe('reports on the demo school', () => {
	it('the school leader sees the school dashboard', async () => {
		const leader = await logIn(email('school_leader'));
		const school = await leader.page.locator('main a[href^="/schools/"]').first().getAttribute('href');
		await leader.page.goto(`${app.server.url}${school}/dashboard`);
		await checkPage(leader, 'dashboard-school-leader');
		await expect(leader.page.locator('main table').count()).resolves.toBeGreaterThan(0);
	});

	it('a teacher sees trends and round results of their own group, and no school dashboard', async () => {
		const teacher = await logIn(email('teacher'));
		const school = await teacher.page.locator('main a[href^="/schools/"]').first().getAttribute('href');
		const group = await teacher.page.locator('main a[href^="/groups/"]').first().getAttribute('href');
		await teacher.page.goto(`${app.server.url}${group}/trends`);
		await checkPage(teacher, 'trends-teacher');
		await expect(teacher.page.locator('main canvas').count()).resolves.toBeGreaterThan(0);
		const results = await teacher.page.locator('main a[href$="/results"]').first().getAttribute('href');
		await teacher.page.goto(`${app.server.url}${results}`);
		await checkPage(teacher, 'results-teacher');
		expect((await teacher.page.request.get(`${app.server.url}${school}/dashboard`)).status()).toBe(404);
	});
});
