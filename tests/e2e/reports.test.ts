import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_KEY, seedDemo } from '../../src/cli/demo';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { axeViolations } from './helpers/axe';
import { freshTotpCode } from './helpers/totp';
import { launchBrowser, openPhone, type Phone } from './helpers/browser';
import { screenshot, screenshotDir } from './helpers/screenshot';

/**
 * On the demo school, each role sees exactly the reports its role allows: the school leader
 * and the care coordinator the school dashboard (the care coordinator without any edit
 * control), the admin the groups but not the dashboard, each teacher their own groups only.
 * Every report page is accessible (axe), loads nothing from another origin, and is kept as a
 * screenshot; the dashboard also as a PDF, printed with its running head.
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
	// The demo admin has two-step verification with the demo's public key.
	await who.page.waitForURL((url) => url.pathname === '/dashboard' || url.pathname === '/login/two-factor', { timeout: 10_000 });
	if (new URL(who.page.url()).pathname === '/login/two-factor') {
		await who.page.fill('input[name=code]', await freshTotpCode(DEMO_TOTP_KEY));
		await who.page.locator('main form button[type=submit]').click();
	}
	await who.page.waitForURL((url) => url.pathname === '/dashboard', { timeout: 10_000 }).catch(async (e) => {
		throw new Error(`${e} at ${who.page.url()}: ${await who.page.locator('main').innerText()}`);
	});
	return who;
}

/** Opens a page of the app and checks it like every report page. */
async function visit(who: Phone, path: string, name: string) {
	const response = await who.page.goto(`${app.server.url}${path}`);
	expect(response?.status(), path).toBe(200);
	await checkPage(who, name);
}

/** GET as the logged-in user without rendering it: the status of a page one may not see. */
const statusOf = async (who: Phone, path: string) => (await who.page.request.get(`${app.server.url}${path}`, { maxRedirects: 0 })).status();

/** The demo's groups by name, read from the school's group list as the school leader sees it. */
async function groupIds(leader: Phone, school: string): Promise<Record<string, string>> {
	await leader.page.goto(`${app.server.url}${school}/groups`);
	const links = await leader.page.locator('main a[href^="/groups/"]').evaluateAll((list) => list.map((a) => [a.textContent!.trim(), a.getAttribute('href')!.split('/').pop()!]));
	return Object.fromEntries(links);
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

const teachers = () => app.seed.logins.filter((l) => l.role === 'teacher');
const schoolOf = async (who: Phone) => (await who.page.locator('main a[href^="/schools/"]:not([href="/schools/new"])').first().getAttribute('href'))!;

describe('reports on the demo school', () => {
	it('the school leader sees the school dashboard', async () => {
		const leader = await logIn(email('school_leader'));
		const school = await leader.page.locator('main a[href^="/schools/"]').first().getAttribute('href');
		await leader.page.goto(`${app.server.url}${school}/dashboard`);
		await checkPage(leader, 'dashboard-school-leader');
		await expect(leader.page.locator('main table').count()).resolves.toBeGreaterThan(0);
	});

	it('the school leader runs the privacy self-test, in Dutch and English, and every check passes', async () => {
		const leader = await logIn(email('school_leader'));
		const school = await schoolOf(leader);
		await leader.page.goto(`${app.server.url}${school}`);
		await leader.page.getByRole('link', { name: 'Privacy-zelftest' }).click();
		await leader.page.waitForURL((url) => url.pathname.endsWith('/privacy-audit'));
		await checkPage(leader, 'privacy-audit-nl');
		await expect(leader.page.getByRole('status').filter({ hasText: 'Alle controles zijn in orde.' }).count()).resolves.toBe(1);
		await visit(leader, `/en${school}/privacy-audit`, 'privacy-audit-en');
		await expect(leader.page.getByText('Every check passed.').count()).resolves.toBe(1);
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
		// The sheet for the class: one A4 page when printed.
		await teacher.page.locator('main a[href$="/results/sheet"]').click();
		await teacher.page.waitForURL((url) => url.pathname.endsWith('/results/sheet'));
		await checkPage(teacher, 'class-sheet-teacher');
		await teacher.page.emulateMedia({ media: 'print' });
		const sheet = await teacher.page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
		await writeFile(path.join(screenshotDir, 'class-sheet-teacher.pdf'), sheet);
		expect(sheet.toString('latin1').match(/\/Type\s*\/Page[^s]/g)!.length).toBe(1);
		await teacher.page.emulateMedia({ media: 'screen' });
		expect((await teacher.page.request.get(`${app.server.url}${school}/dashboard`)).status()).toBe(404);
	});

	it('the school leader picks a term, sees the distribution over the school, and prints it with a running head', async () => {
		const leader = await logIn(email('school_leader'));
		const school = await schoolOf(leader);
		await leader.page.goto(`${app.server.url}${school}/dashboard`);
		await leader.page.selectOption('#year', '2025');
		await leader.page.selectOption('#term', '2');
		await leader.page.locator('form:has(#term) button[type=submit]').click();
		await leader.page.waitForURL((url) => url.search === '?year=2025&term=2');
		await checkPage(leader, 'dashboard-term-school-leader');
		const main = leader.page.locator('main');
		await expect(main.innerText()).resolves.toContain('2025-12-01 t/m 2026-03-31');
		// Groep 8b never has five answers: too few everywhere, and the school's distribution is drawn.
		await expect(main.locator('section.theme tr:has(th:text-is("Groep 8b")) td').first().innerText()).resolves.toBe('Te weinig antwoorden');
		await expect(main.locator('h3', { hasText: 'Verdeling over de hele school' }).count()).resolves.toBeGreaterThan(0);
		await expect(main.locator('canvas').count()).resolves.toBeGreaterThan(0);

		await leader.page.emulateMedia({ media: 'print' });
		const head = leader.page.locator('.running-head-text');
		await expect(head.isVisible()).resolves.toBe(true);
		await expect(head.innerText()).resolves.toMatch(/^Demoschool De Vlinder · 2025-12-01 t\/m 2026-03-31 · Aantal antwoorden: \d+ \(in \d+ rondes die meetellen\)$/);
		await expect(leader.page.locator('.staff-nav').isVisible()).resolves.toBe(false);
		// The head is a table header group, which the browser repeats at the top of every printed page.
		await expect(leader.page.locator('.printed-report > thead').evaluate((el) => getComputedStyle(el).display)).resolves.toBe('table-header-group');
		const pdf = await leader.page.pdf({ format: 'A4', printBackground: true });
		await writeFile(path.join(screenshotDir, 'dashboard-term-school-leader.pdf'), pdf);
		expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)!.length).toBeGreaterThan(1);
		await leader.page.emulateMedia({ media: 'screen' });
	});

	it('the school leader compares two rounds and discusses one with the class on the projector, in light and dark', async () => {
		const leader = await logIn(email('school_leader'));
		const ids = await groupIds(leader, await schoolOf(leader));
		await leader.page.goto(`${app.server.url}/groups/${ids['Groep 7']}/compare`);
		const lessonMirror = leader.page.locator('#round-a optgroup').first().locator('option');
		const [a, b] = [await lessonMirror.nth(0).getAttribute('value'), await lessonMirror.nth(1).getAttribute('value')];
		await leader.page.selectOption('#round-a', a!);
		await leader.page.selectOption('#round-b', b!);
		await leader.page.locator('main form.chooser button[type=submit]').click();
		await leader.page.waitForURL((url) => url.searchParams.get('b') === b);
		await checkPage(leader, 'compare-school-leader');
		await expect(leader.page.locator('main h3', { hasText: 'Ronde van' }).count()).resolves.toBeGreaterThan(2);

		await visit(leader, `/rounds/${a}/results/discuss`, 'discuss-school-leader');
		await expect(leader.page.locator('main').innerText()).resolves.toContain('Vraag 1 van');
		await leader.page.keyboard.press('ArrowRight');
		await leader.page.waitForURL((url) => url.searchParams.get('q') === '2');
		await leader.page.keyboard.press('PageUp');
		await leader.page.waitForURL((url) => url.searchParams.get('q') === '1');
		await leader.page.emulateMedia({ colorScheme: 'dark' });
		await checkPage(leader, 'discuss-dark-school-leader');
		await visit(leader, `/rounds/${a}/results`, 'results-dark-school-leader');
		await leader.page.emulateMedia({ colorScheme: 'light' });
	});

	it('the care coordinator reads the dashboard and every group report, without a single edit control', async () => {
		const care = await logIn(email('care_coordinator'));
		const school = await schoolOf(care);
		await visit(care, `${school}/dashboard`, 'dashboard-care-coordinator');
		await visit(care, `${school}/groups`, 'groups-care-coordinator');
		const group = (await care.page.locator('main a[href^="/groups/"]').first().getAttribute('href'))!;
		await visit(care, group, 'group-care-coordinator');
		await visit(care, `${group}/trends`, 'trends-care-coordinator');
		await visit(care, `${group}/rounds`, 'rounds-care-coordinator');
		const round = (await care.page.locator('main a.results').first().getAttribute('href'))!;
		await visit(care, round, 'results-care-coordinator');
		await visit(care, round.replace(/\/results$/, ''), 'round-care-coordinator');
		// Read-only: no form (but logging out) on the group, rounds or round page, no link to start a round.
		for (const page of [group, `${group}/rounds`, round.replace(/\/results$/, '')]) {
			await care.page.goto(`${app.server.url}${page}`);
			await expect(care.page.locator('main form:not([action="/logout"])').count(), page).resolves.toBe(0);
			await expect(care.page.locator('main a[href$="/rounds/new"]').count(), page).resolves.toBe(0);
		}
		const post = (target: string, form: Record<string, string>) =>
			care.page.request.post(`${app.server.url}${target}`, { form, headers: { origin: app.server.url }, maxRedirects: 0 });
		for (const [target, form] of [
			[`${group}?/update`, { name: 'Hernoemd', yearLevel: '5' }],
			[`${round.replace(/\/results$/, '')}?/close`, {}],
			[`${school}?/rename`, { name: 'Hernoemd' }],
			[`${school}/groups?/create`, { name: 'Nieuw', yearLevel: '4' }]
		] as const) {
			expect([403, 404], target).toContain((await post(target, form)).status());
		}
		expect(await statusOf(care, `${group}/rounds/new`)).toBe(404);
	});

	it('the admin sees the school and its groups, and no school dashboard', async () => {
		const admin = await logIn(email('admin'));
		const school = await schoolOf(admin);
		await visit(admin, school, 'school-admin');
		await visit(admin, `${school}/groups`, 'groups-admin');
		const group = (await admin.page.locator('main a[href^="/groups/"]').first().getAttribute('href'))!;
		await visit(admin, `${group}/trends`, 'trends-admin');
		expect(await statusOf(admin, `${school}/dashboard`)).toBe(404);
		expect(await statusOf(admin, `${school}/dashboard/csv`)).toBe(404);
	});

	it("each teacher sees their own groups' reports and never the other teacher's", async () => {
		const leader = await logIn(email('school_leader'));
		const ids = await groupIds(leader, await schoolOf(leader));
		for (const [i, login] of teachers().entries()) {
			const teacher = await logIn(login.email);
			const school = await schoolOf(teacher);
			// The group names heading the dashboard's cards (each card also links to its new-round page).
			const listed = await teacher.page.locator('main li.group h4 a').evaluateAll((list) => list.map((a) => a.textContent!.trim()));
			expect(listed.sort()).toEqual([...login.groups].sort());
			const own = ids[login.groups[0]!]!;
			await visit(teacher, `/groups/${own}/trends`, `trends-teacher-${i + 1}`);
			await visit(teacher, `/groups/${own}/compare`, `compare-teacher-${i + 1}`);
			const others = teachers().filter((t) => t.email !== login.email).flatMap((t) => t.groups);
			for (const name of others) {
				for (const page of ['', '/rounds', '/trends', '/compare']) expect(await statusOf(teacher, `/groups/${ids[name]}${page}`), `${name}${page}`).toBe(404);
			}
			expect(await statusOf(teacher, `${school}/dashboard`)).toBe(404);
		}
	});
});
