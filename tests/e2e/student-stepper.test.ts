import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import * as questionnaires from '../../src/lib/server/questionnaires/questionnaires';
import * as choices from '../../src/lib/server/rounds/choices';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createSchool, createStaff } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';

/**
 * The student page one question at a time (issue 16): with JavaScript a stepper ("vraag 3 van
 * 9", back and next, one send at the end); without it the one-page form as before. On a 320 px
 * phone: no horizontal scroll, tap targets of at least 48 px, no text below 16 px.
 */

async function seed(db: Database) {
	const school = await createSchool(db, 'Basisschool De Regenboog');
	const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { name: 'Groep 7', teacherIds: [teacher.id] });
	await questionnaires.createFromTemplate(db, { schoolId: school.id, ownerId: null, personal: false, templateKey: 'lesson_mirror' });
	await questionnaires.createFromTemplate(db, { schoolId: school.id, ownerId: null, personal: false, templateKey: 'exit_ticket' });
	const versions = await choices.versionChoices(db, teacher.id, school.id);
	const open = async (title: string) =>
		(await rounds.open(db, { groupId: group.id, versionId: versions.find((v) => v.titleNl === title)!.versionId, openedBy: teacher.id })).joinCode;
	return { mirror: await open('Lesspiegel'), exit: await open('Exitticket') };
}

let app: SeededServer<Awaited<ReturnType<typeof seed>>>;
let browser: Browser;

beforeAll(async () => {
	app = await startSeededServer('pglite', seed);
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await app?.destroy();
});

/** What a small phone must offer: no sideways scroll, big enough targets and text. One line per fault. */
async function smallScreenFaults(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const faults: string[] = [];
		const root = document.documentElement;
		if (root.scrollWidth > root.clientWidth) faults.push(`scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
		const visible = (el: Element) => (el as HTMLElement).offsetParent !== null && el.getClientRects().length > 0;
		for (const el of document.querySelectorAll('main button, main label.choice, main input[type=text], main .button')) {
			if (!visible(el)) continue;
			const box = el.getBoundingClientRect();
			if (box.height < 48 || box.width < 48) faults.push(`small target ${el.tagName} "${el.textContent?.trim()}": ${box.width}x${box.height}`);
		}
		const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const parent = node.parentElement!;
			if (!node.textContent!.trim() || !visible(parent) || parent.closest('[aria-hidden=true]')) continue;
			const size = parseFloat(getComputedStyle(parent).fontSize);
			if (size < 16) faults.push(`small text "${node.textContent!.trim()}": ${size}px`);
		}
		return faults;
	});
}

describe('the student page, one question at a time', () => {
	it('with JavaScript: a stepper through nine questions, sent once at the end', async () => {
		const phone = await openPhone(browser, app.server.url);
		const page = phone.page;
		await page.setViewportSize({ width: 320, height: 640 });
		await page.goto(`${app.server.url}/r/${app.seed.mirror}`);
		const visibleQuestions = page.locator('fieldset.question:visible');
		const send = page.getByRole('button', { name: 'Versturen' });
		const next = page.getByRole('button', { name: 'Volgende' });
		const back = page.getByRole('button', { name: 'Vorige' });
		await expect(page.locator('.step-count').textContent()).resolves.toBe('Vraag 1 van 9');
		await expect(visibleQuestions.count()).resolves.toBe(1);
		await expect(send.isVisible()).resolves.toBe(false);
		await expect(back.isVisible()).resolves.toBe(false);
		expect(await smallScreenFaults(page)).toEqual([]);
		expect(await axeViolations(page)).toEqual([]);
		await screenshot(page, 'stepper-question-1-320px');

		await page.locator('fieldset.question:visible label.choice').nth(4).click(); // Helemaal eens
		await next.click();
		await page.locator('fieldset.question:visible label.choice').nth(3).click();
		await next.click();
		await expect(page.locator('.step-count').textContent()).resolves.toBe('Vraag 3 van 9');
		// Back keeps what was picked.
		await back.click();
		await expect(page.locator('fieldset.question:visible input:checked').count()).resolves.toBe(1);
		await next.click();
		for (let step = 3; step < 9; step++) await next.click(); // skipping is allowed
		await expect(page.locator('.step-count').textContent()).resolves.toBe('Vraag 9 van 9');
		await expect(next.isVisible()).resolves.toBe(false);
		await page.locator('fieldset.question:visible input[type=text]').fill('Gezellig');
		expect(await smallScreenFaults(page)).toEqual([]);
		await send.click();
		const receipt = page.locator('[data-thanks-view]');
		await receipt.waitFor();
		// One send with all answers: two scale questions and the word, each counted once.
		await expect(receipt.locator('[data-kept] li').count()).resolves.toBe(3);
		expect(await smallScreenFaults(page)).toEqual([]);
		expect(phone.problems()).toEqual([]);
		expect(await phone.cookiesSet()).toEqual([]);
		await phone.close();
	});

	it('smiley questions as big faces, in English', async () => {
		const phone = await openPhone(browser, app.server.url);
		const page = phone.page;
		await page.setViewportSize({ width: 320, height: 640 });
		await page.goto(`${app.server.url}/en/r/${app.seed.exit}`);
		await expect(page.locator('.step-count').textContent()).resolves.toBe('Question 1 of 3');
		const face = page.locator('fieldset.question:visible .face').first();
		const size = await face.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		expect(size).toBeGreaterThanOrEqual(48);
		expect(await smallScreenFaults(page)).toEqual([]);
		await screenshot(page, 'stepper-smileys-320px');
		expect(phone.problems()).toEqual([]);
		await phone.close();
	});

	it('without JavaScript: the one-page form, unchanged', async () => {
		const phone = await openPhone(browser, app.server.url, { javaScriptEnabled: false });
		const page = phone.page;
		await page.setViewportSize({ width: 320, height: 640 });
		await page.goto(`${app.server.url}/r/${app.seed.mirror}`);
		await expect(page.locator('fieldset.question:visible').count()).resolves.toBe(9);
		await expect(page.locator('.step-count').count()).resolves.toBe(0);
		await expect(page.getByRole('button', { name: 'Versturen' }).isVisible()).resolves.toBe(true);
		expect(await smallScreenFaults(page)).toEqual([]);
		await phone.close();
	});
});
