import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './helpers/app';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';
import { freshTotpCode } from './helpers/totp';

/**
 * The staff issue's "done when": a fresh install walks a newcomer from setup to an admin who
 * invites a school leader, who creates groups and invites a teacher, who logs in and sees
 * only their own groups.
 */

const PASSWORD = 'een heel lang wachtwoord';
let app: App;
let browser: Browser;
const people: Phone[] = [];

beforeAll(async () => {
	app = await startApp();
	browser = await launchBrowser();
});

afterAll(async () => {
	for (const person of people) await person.close();
	await browser?.close();
	await app?.stop();
});

async function person(): Promise<Phone> {
	// Staff use laptops too, but the phone viewport is the harder test of the layout.
	const opened = await openPhone(browser, app.url);
	people.push(opened);
	return opened;
}

/** Accessible, same-origin and quiet: checked on every page the staff walk through. */
async function checkPage(who: Phone, name: string) {
	expect(await axeViolations(who.page)).toEqual([]);
	expect(who.problems()).toEqual([]);
	await screenshot(who.page, name);
}

/** Submits and waits for the answer to the post and whatever the page loads after it. */
async function submit(page: Page, form = page.locator('main form').last()) {
	const answered = page.waitForResponse((r) => r.request().method() === 'POST');
	// By keyboard: on a phone viewport an open <select> may still cover the button.
	await form.locator('button[type=submit]').focus();
	await page.keyboard.press('Enter');
	await answered;
	// An enhanced form then navigates or updates through __data.json requests of its own.
	await page.waitForTimeout(50);
	await page.waitForLoadState('networkidle');
}

async function invite(page: Page, email: string, role: string): Promise<string> {
	await page.fill('input[name=email]', email);
	await page.selectOption('select[name=role]', role);
	await submit(page, page.locator('form[action="?/invite"]'));
	const link = await page.locator('input[readonly]').last().inputValue();
	expect(link).toMatch(/\/invite\/[a-z0-9]+$/);
	return link;
}

async function acceptAndLogIn(who: Phone, link: string, email: string) {
	await who.page.goto(link);
	await checkPage(who, `invite-${email.split('@')[0]}`);
	await who.page.fill('input[name=password]', PASSWORD);
	await submit(who.page);
	await who.page.waitForURL((url) => url.pathname === '/invite/accepted');
	await who.page.goto(`${app.url}/login`);
	await who.page.fill('input[name=email]', email);
	await who.page.fill('input[name=password]', PASSWORD);
	await submit(who.page);
	await who.page.waitForURL((url) => url.pathname === '/dashboard' || url.pathname === '/two-factor/setup');
	if (new URL(who.page.url()).pathname === '/two-factor/setup') await enrolTotp(who);
}

/** Sets up an authenticator app, as admins and school leaders must before any other page. */
async function enrolTotp(who: Phone, name?: string) {
	if (name) await checkPage(who, name);
	const key = (await who.page.getByTestId('totp-key').textContent())!.trim();
	await who.page.fill('input[name=code]', await freshTotpCode(key));
	await submit(who.page);
	await expect(who.page.locator('main code').count()).resolves.toBe(10);
	await who.page.locator('main a.button').click();
	await who.page.waitForURL(/\/dashboard$/);
}

describe('from a fresh install to a teacher who sees only their own groups', () => {
	let admin: Phone;
	let leader: Phone;
	let teacher: Phone;
	let schoolPath: string;

	it('setup creates the first admin and school, who must set up two-step verification', async () => {
		admin = await person();
		await admin.page.goto(`${app.url}/login`);
		expect(new URL(admin.page.url()).pathname).toBe('/setup');
		await checkPage(admin, 'setup');
		await admin.page.fill('input[name=schoolName]', 'Basisschool De Regenboog');
		await admin.page.fill('input[name=email]', 'admin@regenboog.test');
		await admin.page.fill('input[name=password]', PASSWORD);
		await submit(admin.page);
		await admin.page.waitForURL((url) => url.pathname === '/two-factor/setup');
		await enrolTotp(admin, 'two-factor-setup');
		await checkPage(admin, 'dashboard-admin');
		// The setup page is gone for good.
		expect((await admin.page.request.get(`${app.url}/setup`)).status()).toBe(404);
	});

	it('the admin invites a school leader, who accepts, logs in and sets up two-step verification', async () => {
		schoolPath = (await admin.page.locator('main a[href^="/schools/"]:not([href="/schools/new"])').first().getAttribute('href'))!;
		await admin.page.goto(`${app.url}${schoolPath}/staff`);
		await checkPage(admin, 'staff-admin');
		const link = await invite(admin.page, 'leider@regenboog.test', 'school_leader');
		leader = await person();
		await acceptAndLogIn(leader, link, 'leider@regenboog.test');
	});

	it('the leader creates two groups and invites a teacher', async () => {
		for (const [name, year] of [
			['Groep 7', '7'],
			['Groep 8', '8']
		]) {
			await leader.page.goto(`${app.url}${schoolPath}/groups`);
			await leader.page.fill('input[name=name]', name!);
			await leader.page.fill('input[name=yearLevel]', year!);
			await submit(leader.page);
			await expect(leader.page.locator('h1').textContent()).resolves.toContain(name);
		}
		await leader.page.goto(`${app.url}${schoolPath}/groups`);
		await checkPage(leader, 'groups-leader');
		await leader.page.goto(`${app.url}${schoolPath}/staff`);
		const link = await invite(leader.page, 'juf@regenboog.test', 'teacher');
		teacher = await person();
		await acceptAndLogIn(teacher, link, 'juf@regenboog.test');
	});

	it('the leader assigns the teacher to Groep 7 only, and the teacher sees only that group', async () => {
		await leader.page.goto(`${app.url}${schoolPath}/groups`);
		await leader.page.getByRole('link', { name: 'Groep 7' }).click();
		await leader.page.waitForLoadState('networkidle');
		const group7 = new URL(leader.page.url()).pathname;
		await leader.page.locator('input[name=teacherIds]').first().check();
		await submit(leader.page, leader.page.locator('form:has(input[name=teacherIds])'));
		await checkPage(leader, 'group-leader');
		await leader.page.goto(`${app.url}${schoolPath}/groups`);
		await leader.page.getByRole('link', { name: 'Groep 8' }).click();
		await leader.page.waitForLoadState('networkidle');
		const group8 = new URL(leader.page.url()).pathname;

		await teacher.page.goto(`${app.url}/dashboard`);
		await checkPage(teacher, 'dashboard-teacher');
		const main = teacher.page.locator('main');
		await expect(main.getByRole('link', { name: 'Groep 7' }).count()).resolves.toBe(1);
		await expect(main.getByText('Groep 8').count()).resolves.toBe(0);
		expect((await teacher.page.request.get(`${app.url}${group7}`)).status()).toBe(200);
		const forbidden = await teacher.page.request.get(`${app.url}${group8}`);
		expect(forbidden.status()).toBe(404);
		expect(await forbidden.text()).not.toContain('Groep 8');
		expect((await teacher.page.request.get(`${app.url}${schoolPath}/staff`)).status()).toBe(404);
	});
});
