import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import * as questionnaires from '../../src/lib/server/questionnaires/questionnaires';
import { createGroup, createSchool, createStaff } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot } from './helpers/screenshot';

/**
 * The teacher's fast path (issue 16): from the login page to a projected join code in at most
 * three clicks, with and without JavaScript; the dashboard then shows the open round with its
 * count, "show code" and a two-step close.
 */

const PASSWORD = 'een heel lang wachtwoord';
const MAX_CLICKS = 3;

async function seed(db: Database) {
	const school = await createSchool(db, 'Basisschool De Regenboog');
	const teacher = await createStaff(db, { email: 'meester@regenboog.test', password: PASSWORD, roles: [{ schoolId: school.id, role: 'teacher' }] });
	const groups = [
		await createGroup(db, school.id, { name: 'Groep 5', teacherIds: [teacher.id] }),
		await createGroup(db, school.id, { name: 'Groep 6', teacherIds: [teacher.id] })
	];
	await questionnaires.createFromTemplate(db, { schoolId: school.id, ownerId: null, personal: false, templateKey: 'young_pupils' });
	return { groups };
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

describe("the teacher's fast path", () => {
	for (const javaScriptEnabled of [true, false]) {
		it(`login to a projected code in at most ${MAX_CLICKS} clicks ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
			const teacher: Phone = await openPhone(browser, app.server.url, { javaScriptEnabled });
			const page = teacher.page;
			await page.setViewportSize({ width: 1280, height: 800 });
			let clicks = 0;
			const click = async (target: Locator) => {
				clicks++;
				await target.click();
			};
			try {
				await page.goto(`${app.server.url}/login`, { waitUntil: 'networkidle' });
				await page.fill('input[name=email]', 'meester@regenboog.test');
				await page.fill('input[name=password]', PASSWORD);
				await click(page.locator('main form button[type=submit]'));
				await page.waitForURL((url) => url.pathname === '/dashboard', { timeout: 30_000 });
				const group = javaScriptEnabled ? 'Groep 5' : 'Groep 6';
				await click(page.getByRole('button', { name: `Ronde starten met ${group}` }));
				await page.waitForURL((url) => url.pathname.startsWith('/rounds/'));
				const projector = page.url();
				const code = (await page.locator('.code').textContent())!.trim();
				expect(code).toMatch(/^[A-Z2-9]{6}$/);
				expect(clicks).toBeLessThanOrEqual(MAX_CLICKS);
				// The quick start used the school's questionnaire and the projector shows it.
				await expect(page.locator('.context').textContent()).resolves.toContain('Jonge leerlingen');

				// Back on the dashboard the group shows its open round, its count and the way back to the code.
				await page.goto(`${app.server.url}/dashboard`);
				const card = page.locator('li.group', { hasText: group });
				await expect(card.textContent()).resolves.toContain(`Ronde open, code ${code}`);
				await expect(card.textContent()).resolves.toContain('0 beantwoord');
				expect(await axeViolations(page, { javaScriptEnabled })).toEqual([]);
				if (javaScriptEnabled) await screenshot(page, 'dashboard-open-round');
				// A second start of the same group goes to the open round: no second round.
				await card.getByRole('link', { name: 'Code tonen' }).click();
				await expect(page.locator('.code').textContent()).resolves.toContain(code);
				// Closing from the dashboard takes two steps.
				await page.goto(`${app.server.url}/dashboard`);
				await card.getByText('Ronde sluiten', { exact: true }).click();
				await card.getByRole('button', { name: 'Ja, sluit de ronde' }).click();
				await page.waitForURL((url) => url.pathname === '/dashboard');
				await expect(page.locator('li.group', { hasText: group }).getByRole('button', { name: `Ronde starten met ${group}` }).count()).resolves.toBe(1);
				// Closed too early: the projector offers to open it again, with the same code.
				await page.goto(projector);
				await page.getByRole('button', { name: 'Ronde weer openen' }).click();
				await page.locator('.code').waitFor();
				await expect(page.locator('.code').textContent()).resolves.toContain(code);
				expect(teacher.problems()).toEqual([]);
			} finally {
				await teacher.close();
			}
		});
	}
});
