import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startApp, type App } from './helpers/app';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone, type PhoneOptions } from './helpers/browser';
import { screenshot } from './helpers/screenshot';

let app: App;
let browser: Browser;

// One after the other, so that afterAll can stop a server whose browser failed to launch.
beforeAll(async () => {
	app = await startApp();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await app?.stop();
});

async function phone(options?: PhoneOptions): Promise<Phone> {
	const opened = await openPhone(browser, app.url, options);
	onTestFinished(() => opened.close());
	return opened;
}

/** Student pages never set a cookie (PRIVACY.md S1), neither by header nor by script. */
async function expectNoCookies(opened: Phone) {
	expect(await opened.cookiesSet()).toEqual([]);
	expect(await opened.context.cookies()).toEqual([]);
}

function codeField(page: Page) {
	return page.locator('main').getByRole('textbox', { name: 'Code' });
}

describe('GET /healthz', () => {
	it('says ok', async () => {
		const response = await fetch(`${app.url}/healthz`);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ status: 'ok' });
	});
});

describe('student home page on a phone', () => {
	it('is Dutch by default, with the code field as its main control', async () => {
		const opened = await phone();
		const { page } = opened;
		await page.goto(`${app.url}/`);
		expect(await page.locator('html').getAttribute('lang')).toBe('nl');
		expect(await page.locator('h1').allTextContents()).toEqual(['Doe mee met je klas']);
		expect(await page.locator('main').getByRole('textbox').count()).toBe(1);
		expect(await codeField(page).getAttribute('name')).toBe('code');
		expect(await axeViolations(page)).toEqual([]);
		await screenshot(page, 'home-nl-phone');
		expect(opened.problems()).toEqual([]);
		await expectNoCookies(opened);
	});

	it('is English under /en', async () => {
		const opened = await phone();
		const { page } = opened;
		await page.goto(`${app.url}/en`);
		expect(await page.locator('html').getAttribute('lang')).toBe('en');
		expect(await page.locator('h1').allTextContents()).toEqual(['Join your class']);
		expect(await codeField(page).getAttribute('name')).toBe('code');
		expect(await axeViolations(page)).toEqual([]);
		await screenshot(page, 'home-en-phone');
		expect(opened.problems()).toEqual([]);
		await expectNoCookies(opened);
	});
});

describe.each([
	['with JavaScript', true],
	['without JavaScript', false]
])('joining %s', (_label, javaScriptEnabled) => {
	const suffix = javaScriptEnabled ? 'js' : 'nojs';

	/** Types `code`, submits, checks the answer's status and returns the message shown. */
	async function submit(page: Page, code: string, expectedStatus: number): Promise<string> {
		await page.goto(`${app.url}/`, { waitUntil: 'networkidle' });
		await codeField(page).fill(code);
		const posted = page.waitForResponse((response) => response.request().method() === 'POST');
		await page.getByRole('button', { name: 'Doe mee' }).click();
		const response = await posted;
		// Student pages ship no framework JavaScript (fast on a cheap phone): with or without
		// JS the browser posts the form itself.
		expect(response.request().resourceType()).toBe('document');
		expect(response.status(), `POST / answered: ${await response.text()}`).toBe(expectedStatus);
		const alert = page.locator('main').getByRole('alert');
		await alert.waitFor({ state: 'visible', timeout: 5_000 });
		// The message belongs to the field, so a screen reader reads it with the field.
		const describedBy = (await codeField(page).getAttribute('aria-describedby')) ?? '';
		expect(describedBy.split(' ')).toContain(await alert.getAttribute('id'));
		expect(await codeField(page).getAttribute('aria-invalid')).toBe('true');
		return (await alert.textContent()) ?? '';
	}

	it('explains a malformed code next to the field', async () => {
		const opened = await phone({ javaScriptEnabled });
		expect(await submit(opened.page, 'ab', 400)).toContain('6 letters en cijfers');
		expect(await axeViolations(opened.page, { javaScriptEnabled })).toEqual([]);
		await screenshot(opened.page, `home-nl-phone-bad-code-${suffix}`);
		expect(opened.problems()).toEqual([]);
		await expectNoCookies(opened);
	});

	it('says when no round is open for a well-formed code', async () => {
		const opened = await phone({ javaScriptEnabled });
		expect(await submit(opened.page, 'K7M2QX', 404)).toContain('geen open ronde');
		expect(await axeViolations(opened.page, { javaScriptEnabled })).toEqual([]);
		await screenshot(opened.page, `home-nl-phone-no-round-${suffix}`);
		expect(opened.problems()).toEqual([]);
		await expectNoCookies(opened);
	});
});
