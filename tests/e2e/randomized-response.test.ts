import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import * as questionnaires from '../../src/lib/server/questionnaires/questionnaires';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';

/**
 * Randomized response end to end (issue 15): phones with JavaScript flip a sensitive answer
 * before it leaves the phone, so the request body already carries the chosen-by-chance answer
 * and the flag saying so; the phone without JavaScript posts the truth and the server flips.
 * The teacher then sees the de-biased estimate, its interval and epsilon.
 */

const PASSWORD = 'een heel lang wachtwoord';

async function seed(db: Database) {
	const school = await createSchool(db, 'Basisschool De Regenboog');
	const teacher = await createStaff(db, { email: 'juf@regenboog.test', password: PASSWORD, roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { name: 'Groep 7', teacherIds: [teacher.id] });
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5', randomized: true }, { type: 'smiley3' }]);
	const round = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: teacher.id });
	const [safe, plain] = version.questions.map((q) => q.id) as [string, string];
	const own = await questionnaires.createFromTemplate(db, { schoolId: school.id, ownerId: teacher.id, personal: true, templateKey: 'exit_ticket' });
	return { round, safe, plain, schoolId: school.id, own };
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

async function open(javaScriptEnabled = true): Promise<Phone> {
	const phone = await openPhone(browser, app.server.url, { javaScriptEnabled });
	opened.push(phone);
	return phone;
}

/**
 * Makes the phone's crypto.getRandomValues return `u` (in [0, 1)) for every draw, so the test
 * knows which way the flip goes; the flip itself is the page's own code.
 */
async function fixRandom(phone: Phone, u: number) {
	await phone.page.addInitScript((word: number) => {
		crypto.getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
			(array as unknown as Uint32Array).fill(word);
			return array;
		};
	}, Math.floor(u * 2 ** 32));
}

let teacher: Phone;

describe('randomized response from phone to results (privacy: the server never sees the true answer from a phone with JavaScript)', () => {
	const bodies: Array<{ ballot: string; answers: Record<string, number>; randomized?: boolean }> = [];

	it('each phone with JavaScript sends its chosen-by-chance answer and the flag, never more than the page allows', async () => {
		const { round, safe, plain } = app.seed;
		// Keep probability on a 5-step scale is 3/7 = 0.4286: a draw of 0.42 keeps the answer,
		// 0.43 replaces it (with the second draw 0.43 picking the 2nd of the other four, "Oneens").
		const phones = [{ u: 0.42 }, { u: 0.43 }, {}, {}, {}];
		for (const [i, setup] of phones.entries()) {
			const phone = await open();
			if (setup.u !== undefined) await fixRandom(phone, setup.u);
			const page = phone.page;
			page.on('request', (request: Request) => {
				if (request.url().endsWith('/api/v1/answers')) bodies.push(JSON.parse(request.postData()!));
			});
			await page.goto(`${app.server.url}/r/${round.joinCode}`);
			// The student is told, before answering, that the phone sometimes picks another answer.
			await expect(page.locator('[data-randomized]').textContent()).resolves.toContain('Je telefoon kiest soms met opzet een ander antwoord');
			if (i === 0) {
				expect(await axeViolations(page)).toEqual([]);
				await screenshot(page, 'randomized-question-js');
			}
			// Every student answers "Helemaal eens" (5) to the sensitive question.
			await page.locator('fieldset.question').nth(0).locator('label.choice').nth(4).click();
			// With JavaScript the page is a stepper: on to the second question.
			await page.locator('.step-nav button', { hasText: /^(Volgende|Next)$/ }).click();
			await page.locator('fieldset.question').nth(1).locator('label.choice').nth(1).click();
			await page.locator('main form button[type=submit]').click();
			const receipt = page.locator('[data-thanks-view]');
			await receipt.waitFor();
			// The receipt is true without telling whether the answer was replaced.
			await expect(receipt.locator('[data-kept] li').first().textContent()).resolves.toBe('Vraag 1 → één antwoord, deels door toeval gekozen +1');
			expect(phone.problems()).toEqual([]);
			expect(await phone.cookiesSet()).toEqual([]);
			const body = bodies[i]!;
			expect(body.randomized).toBe(true);
			expect([1, 2, 3, 4, 5]).toContain(body.answers[safe]);
			expect(body.answers[plain]).toBe(2);
		}
		expect(bodies).toHaveLength(5);
		expect(bodies[0]!.answers[safe]).toBe(5);
		expect(bodies[1]!.answers[safe]).toBe(2);
	});

	it('a phone without JavaScript is told that the server picks, and posts a plain form', async () => {
		const phone = await open(false);
		const page = phone.page;
		const posted: string[] = [];
		page.on('request', (request: Request) => {
			if (request.method() === 'POST') posted.push(request.url());
		});
		await page.goto(`${app.server.url}/r/${app.seed.round.joinCode}`);
		await expect(page.locator('[data-randomized]').textContent()).resolves.toContain('Soms tellen we met opzet een ander antwoord');
		expect(await axeViolations(page, { javaScriptEnabled: false })).toEqual([]);
		await page.locator('fieldset.question').nth(0).locator('label.choice').nth(4).click();
		await page.locator('main form button[type=submit]').click();
		await page.locator('[data-thanks-view]').waitFor();
		await expect(page.locator('[data-kept] li').first().textContent()).resolves.toBe('Vraag 1 → één antwoord, deels door toeval gekozen +1');
		// Not through the JSON API: the server randomizes this one on receipt (integration test).
		expect(posted.map((url) => new URL(url).pathname)).toEqual([`/r/${app.seed.round.joinCode}`]);
		// The privacy page states epsilon and the difference between the two ways, in both languages.
		await page.goto(`${app.server.url}/privacy`);
		const nl = (await page.locator('main').textContent())!;
		expect(nl).toContain('epsilon = ln 3, ongeveer 1,1');
		expect(nl).toContain('in 43% van de gevallen');
		expect(nl).toContain('de server krijgt het echte antwoord nooit te zien');
		expect(nl).toContain('vervangt de server het bij ontvangst, voordat er iets wordt opgeslagen');
		expect(await axeViolations(page, { javaScriptEnabled: false })).toEqual([]);
		await page.goto(`${app.server.url}/en/privacy`);
		const en = (await page.locator('main').textContent())!;
		expect(en).toContain('epsilon = ln 3, about 1.1');
		expect(en).toContain('the server never sees the real answer');
		expect(phone.problems()).toEqual([]);
	});

	it('the teacher sees the estimate, its 95% interval and epsilon after closing the round', async () => {
		teacher = await open();
		const page = teacher.page;
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(`${app.server.url}/login`, { waitUntil: 'networkidle' });
		await page.fill('input[name=email]', 'juf@regenboog.test');
		await page.fill('input[name=password]', PASSWORD);
		await page.locator('main form button[type=submit]').click();
		await page.waitForURL((url) => url.pathname === '/dashboard', { timeout: 30_000 });
		await page.goto(`${app.server.url}/rounds/${app.seed.round.id}`);
		await page.getByText('Ronde sluiten', { exact: true }).click();
		await page.getByRole('button', { name: 'Ja, sluit de ronde' }).click();
		await page.locator('.closed').waitFor();
		await page.goto(`${app.server.url}/rounds/${app.seed.round.id}/results`);
		const result = page.locator('[data-randomized-result]');
		await result.waitFor();
		await expect(result.locator('thead').textContent()).resolves.toMatch(/Schatting.*95%-interval.*Geteld/);
		await expect(result.locator('tbody tr').count()).resolves.toBe(5);
		// Every row: an estimate in percent and an interval "low–high%".
		for (const row of await result.locator('tbody tr').all()) {
			await expect(row.locator('td').nth(0).textContent()).resolves.toMatch(/^\d+(,\d)?%$/);
			await expect(row.locator('td').nth(1).textContent()).resolves.toMatch(/^\d+(,\d)?–\d+(,\d)?%$/);
		}
		const counted = await Promise.all((await result.locator('tbody tr td:nth-child(4)').all()).map(async (cell) => Number(await cell.textContent())));
		expect(counted.reduce((a, b) => a + b, 0)).toBe(6);
		await expect(result.locator('.note').textContent()).resolves.toContain('Randomized response (epsilon = 1,1).');
		await expect(page.getByText('Geschat vóór het afkappen').count()).resolves.toBe(1);
		expect(await axeViolations(page)).toEqual([]);
		await screenshot(page, 'randomized-results');
		expect(teacher.problems()).toEqual([]);
	});

	it('the teacher turns it on in the questionnaire editor, only for a single-answer question', async () => {
		const page = teacher.page;
		const editor = `${app.server.url}/schools/${app.seed.schoolId}/questionnaires/${app.seed.own}`;
		await page.goto(editor);
		await page.locator('input[name="q.1.randomized"]').check();
		// A multiple-choice question cannot have it: the editor says why, next to the box.
		await page.locator('select[name="q.2.type"]').selectOption('multiple_choice');
		await page.locator('input[name="q.2.randomized"]').check();
		await page.getByRole('button', { name: 'Opslaan' }).first().click();
		await page.locator('#field-q\\.2\\.randomized-error').waitFor();
		await expect(page.locator('#field-q\\.2\\.randomized-error').textContent()).resolves.toContain('Kan alleen bij vragen met één antwoord');
		expect(await axeViolations(page)).toEqual([]);
		await page.locator('select[name="q.2.type"]').selectOption('single_choice');
		await page.getByRole('button', { name: 'Opslaan' }).first().click();
		await page.locator('#field-q\\.2\\.randomized-error').waitFor({ state: 'detached' });
		await page.goto(editor);
		await expect(page.locator('input[name="q.0.randomized"]').isChecked()).resolves.toBe(false);
		await expect(page.locator('input[name="q.1.randomized"]').isChecked()).resolves.toBe(true);
		await expect(page.locator('input[name="q.2.randomized"]').isChecked()).resolves.toBe(true);
		await screenshot(page, 'randomized-editor');
		expect(teacher.problems()).toEqual([]);
	});
});
