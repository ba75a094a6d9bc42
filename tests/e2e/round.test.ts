import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import * as questionnaires from '../../src/lib/server/questionnaires/questionnaires';
import { createGroup, createSchool, createStaff } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { answerAll } from './helpers/answer';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';

/**
 * The rounds issue's "done when": a teacher starts a round and projects it; five students on
 * phones join (one by the QR code's URL, one without JavaScript) and answer; the projector's
 * count reaches 5 without a reload; the teacher closes the round.
 */

const PASSWORD = 'een heel lang wachtwoord';

async function seed(db: Database) {
	const school = await createSchool(db, 'Basisschool De Regenboog');
	const teacher = await createStaff(db, { email: 'juf@regenboog.test', password: PASSWORD, roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { name: 'Groep 7', teacherIds: [teacher.id] });
	await questionnaires.createFromTemplate(db, { schoolId: school.id, ownerId: null, personal: false, templateKey: 'exit_ticket' });
	return { group };
}

let app: SeededServer<Awaited<ReturnType<typeof seed>>>;
let browser: Browser;
const opened: Phone[] = [];

beforeAll(async () => {
	app = await startSeededServer('pglite', seed);
	browser = await launchBrowser();
});

afterAll(async () => {
	for (const phone of opened) await phone.close();
	await browser?.close();
	await app?.destroy();
});

async function open(javaScriptEnabled = true, viewport?: { width: number; height: number }): Promise<Phone> {
	const phone = await openPhone(browser, app.server.url, { javaScriptEnabled });
	if (viewport) await phone.page.setViewportSize(viewport);
	opened.push(phone);
	return phone;
}

describe('a round from projector to phones and back', () => {
	let teacher: Phone;
	let code: string;
	let shortUrl: string;

	it('the teacher starts a round and projects it', async () => {
		teacher = await open(true, { width: 1280, height: 720 });
		const page = teacher.page;
		await page.goto(`${app.server.url}/login`, { waitUntil: 'networkidle' });
		await page.fill('input[name=email]', 'juf@regenboog.test');
		await page.fill('input[name=password]', PASSWORD);
		await page.locator('main form button[type=submit]').click();
		await page.waitForURL((url) => url.pathname === '/dashboard');
		await page.goto(`${app.server.url}/groups/${app.seed.group.id}/rounds/new`);
		await page.locator('main form:not([action$="/logout"]) button[type=submit]').click();
		await page.waitForURL((url) => url.pathname.startsWith('/rounds/'));
		code = (await page.locator('.code').textContent())!.trim();
		shortUrl = (await page.locator('.url').textContent())!.trim();
		expect(code).toMatch(/^[A-Z2-9]{6}$/);
		// Shown without the scheme, to read from the back of the room; the QR code holds the full URL.
		expect(shortUrl).toBe(`${new URL(app.server.url).host}/r/${code}`);
		shortUrl = `${app.server.url}/r/${code}`;
		await expect(page.locator('.qr svg').count()).resolves.toBe(1);
		await expect(page.locator('.count').textContent()).resolves.toMatch(/\b0\b/);
		expect(await axeViolations(page, { aaaContrast: true })).toEqual([]);
		await screenshot(page, 'projector-open');
		// Projected for the class: no staff navigation, no e-mail address; read from the back of
		// the room at 1920x1080, the code is at least 12 % of the screen's height.
		await expect(page.locator('.staff-nav').count()).resolves.toBe(0);
		await expect(page.locator('body').innerText()).resolves.not.toContain('juf@regenboog.test');
		await page.setViewportSize({ width: 1920, height: 1080 });
		const box = await page.locator('.code').boundingBox();
		expect(box!.height).toBeGreaterThanOrEqual(0.12 * 1080);
		await screenshot(page, 'projector-1080p');
	});

	it('five students join and answer, one by the QR URL and one without JavaScript', async () => {
		const students = [await open(), await open(false), await open(), await open(), await open()];
		for (const [i, student] of students.entries()) {
			const page = student.page;
			if (i === 0) {
				await page.goto(shortUrl);
			} else {
				await page.goto(`${app.server.url}/`);
				await page.locator('main input[name=code]').fill(code.toLowerCase());
				await page.locator('main form button[type=submit]').click();
				await page.waitForURL((url) => url.pathname === `/r/${code}`);
			}
			if (i < 2) {
				expect(await axeViolations(page, { javaScriptEnabled: i !== 1 })).toEqual([]);
				await screenshot(page, `questionnaire-${i === 1 ? 'nojs' : 'js'}`);
			}
			await answerAll(page);
			await page.locator('main form button[type=submit]').click();
			// The thank-you view says what was kept: one counter per question, each +1.
			const receipt = page.locator('[data-thanks-view]');
			await receipt.waitFor();
			await expect(receipt.locator('[data-kept] li').count()).resolves.toBeGreaterThan(0);
			await expect(receipt.locator('[data-kept] li').first().textContent()).resolves.toMatch(/ → .+ \+1$/);
			await expect(receipt.textContent()).resolves.toContain(i === 1 ? 'Niets: zonder JavaScript' : 'Alleen een notitie dat je deze ronde hebt ingevuld');
			if (i < 2) {
				expect(await axeViolations(page, { javaScriptEnabled: i !== 1 })).toEqual([]);
				await screenshot(page, `thanks-${i === 1 ? 'nojs' : 'js'}`);
			}
			expect(student.problems()).toEqual([]);
			expect(await student.cookiesSet()).toEqual([]);
			expect(await student.context.cookies()).toEqual([]);
		}
		// The phone that answered with JavaScript remembers it, in its own storage only.
		await students[0]!.page.goto(shortUrl);
		await expect(students[0]!.page.locator('[data-already]').isVisible()).resolves.toBe(true);
	});

	it('the projector count reaches 5 without a reload, and the teacher closes the round', async () => {
		const page = teacher.page;
		await page.locator('.count', { hasText: /\b5\b/ }).waitFor({ timeout: 5_000 });
		await screenshot(page, 'projector-five');
		// Closing takes two steps: the first only asks.
		await page.getByText('Ronde sluiten', { exact: true }).click();
		await page.getByRole('button', { name: 'Ja, sluit de ronde' }).click();
		await page.locator('.closed').waitFor();
		expect(teacher.problems()).toEqual([]);
		// A student arriving late hears that the round closed.
		const late = await fetch(`${app.server.url}/api/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
		expect(late.status).toBe(410);
	});
});
