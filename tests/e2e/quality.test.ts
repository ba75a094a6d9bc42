import { eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import type { Database } from '../../src/lib/server/db/client';
import { questions } from '../../src/lib/server/db/schema';
import * as questionnaires from '../../src/lib/server/questionnaires/questionnaires';
import { toIncrements } from '../../src/lib/server/rounds/answers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as choices from '../../src/lib/server/rounds/choices';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createSchool, createStaff } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { axeViolations } from './helpers/axe';
import { launchBrowser, openPhone } from './helpers/browser';
import { launchAuditBrowser, lighthouse, type AuditBrowser, type AuditPage, type FormFactor } from './helpers/lighthouse';
import { screenshot } from './helpers/screenshot';

/**
 * Quality measured from outside (issue 16): Lighthouse scores accessibility and best practices
 * at 100 on the six pages a lesson runs through - the student home, questionnaire and thank-you
 * pages, the projector, the results and the teacher's dashboard - in Dutch and English, on a
 * phone and a desktop. Then each is kept as a screenshot on both, in light and dark, with
 * axe-core checking the contrast of both themes.
 */

const SESSION_COOKIE = 'lesspiegel_session';

async function seed(db: Database) {
	const school = await createSchool(db, 'Basisschool De Regenboog');
	const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { name: 'Groep 7', teacherIds: [teacher.id] });
	const earlier = await createGroup(db, school.id, { name: 'Groep 8', teacherIds: [teacher.id] });
	await questionnaires.createFromTemplate(db, { schoolId: school.id, ownerId: null, personal: false, templateKey: 'lesson_mirror' });
	await questionnaires.createFromTemplate(db, { schoolId: school.id, ownerId: null, personal: false, templateKey: 'exit_ticket' });
	const versions = await choices.versionChoices(db, teacher.id, school.id);
	const versionOf = (title: string) => versions.find((v) => v.titleNl === title)!.versionId;
	const open = await rounds.open(db, { groupId: group.id, versionId: versionOf('Lesspiegel'), openedBy: teacher.id, cap: 25 });
	// A closed round of six students with varied answers, for the results page.
	const closed = await rounds.open(db, { groupId: earlier.id, versionId: versionOf('Exitticket'), openedBy: teacher.id });
	const asked = await db.select({ id: questions.id, type: questions.type, options: questions.options }).from(questions).where(eq(questions.versionId, versionOf('Exitticket')));
	const batch = [];
	for (const pick of [1, 2, 3, 3, 4, 5]) {
		const answers = Object.fromEntries(asked.map((q) => [q.id, q.type === 'single_choice' ? pick % 4 : q.type === 'smiley5' ? pick : Math.min(5, pick + 1)]));
		const increments = toIncrements(asked, answers);
		if (!Array.isArray(increments)) throw new Error(JSON.stringify(increments));
		batch.push({ roundId: closed.id, ballotHash: hashToken((await ballots.issue(db, closed.id))!), increments });
	}
	await applyBatch(db, batch);
	await rounds.close(db, closed.id);
	const token = (await createSession(db, teacher.id, { absoluteMs: 3_600_000, idleMs: 3_600_000 }, true)).token;
	return { code: open.joinCode, openId: open.id, closedId: closed.id, token };
}

let app: SeededServer<Awaited<ReturnType<typeof seed>>>;

beforeAll(async () => {
	app = await startSeededServer('pglite', seed);
});

afterAll(async () => {
	await app?.destroy();
});

interface PageUnderTest {
	name: string;
	path: (s: typeof app.seed) => string;
	staff: boolean;
	/** Reached by answering the questionnaire, not by a URL of its own. */
	afterSubmit?: boolean;
}

const pages: PageUnderTest[] = [
	{ name: 'student-home', path: () => '/', staff: false },
	{ name: 'questionnaire', path: (s) => `/r/${s.code}`, staff: false },
	{ name: 'thanks', path: (s) => `/r/${s.code}`, staff: false, afterSubmit: true },
	{ name: 'projector', path: (s) => `/rounds/${s.openId}`, staff: true },
	{ name: 'results', path: (s) => `/rounds/${s.closedId}/results`, staff: true },
	{ name: 'dashboard', path: () => '/dashboard', staff: true }
];
const locales = [
	{ lang: 'nl', prefix: '' },
	{ lang: 'en', prefix: '/en' }
];
const url = (prefix: string, path: string) => `${app.server.url}${prefix}${path === '/' && prefix ? '/' : path}`;

/** Sends the questionnaire the way a student's phone does, whether it shows one page or a stepper. */
async function answerAndSend(evaluate: (script: () => void) => Promise<unknown>) {
	await evaluate(() => {
		for (const question of document.querySelectorAll('fieldset.question')) question.querySelector<HTMLInputElement>('label.choice input')?.click();
		document.querySelector<HTMLFormElement>('form[data-round]')!.requestSubmit();
	});
}

describe('Lighthouse: accessibility and best practices at 100', () => {
	let audits: AuditBrowser;

	beforeAll(async () => {
		audits = await launchAuditBrowser();
	});
	afterAll(async () => {
		await audits?.close();
	});

	async function freshPage(staff: boolean, formFactor: FormFactor): Promise<AuditPage> {
		const context = await audits.createBrowserContext();
		const page = await context.newPage();
		// A snapshot audits the page as shown, so it is shown at the form factor's size.
		await page.setViewport(formFactor === 'phone' ? { width: 390, height: 844, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { width: 1350, height: 940 });
		if (staff) await page.setCookie({ name: SESSION_COOKIE, value: app.seed.token, url: app.server.url });
		return page;
	}

	// One full navigation audit per page (Dutch, phone), which also judges what only a page
	// load shows (console errors, deprecations, issues); the other three combinations audit the
	// loaded page as it stands (snapshot mode), about three times faster on 2 cores.
	for (const formFactor of ['phone', 'desktop'] as FormFactor[]) {
		for (const { lang, prefix } of locales) {
			const navigate = formFactor === 'phone' && lang === 'nl';
			it(`${formFactor}, ${lang} (${navigate ? 'navigation' : 'snapshot'}): ${pages.map((p) => p.name).join(', ')}`, async () => {
				const verdicts: Record<string, unknown> = {};
				for (const target of pages) {
					const page = await freshPage(target.staff, formFactor);
					try {
						const address = url(prefix, target.path(app.seed));
						if (navigate && !target.afterSubmit) {
							verdicts[target.name] = await lighthouse(page, formFactor, address);
							continue;
						}
						// At most the projector's live-count stream stays open.
						await page.goto(address, { waitUntil: 'networkidle2' });
						if (target.afterSubmit) {
							await answerAndSend((script) => page.evaluate(script));
							await page.waitForSelector('[data-thanks-view]:not([hidden])');
						}
						verdicts[target.name] = await lighthouse(page, formFactor);
					} finally {
						await page.browserContext().close();
					}
				}
				const perfect = { scores: { accessibility: 1, 'best-practices': 1 }, failures: [] };
				expect(verdicts).toEqual(Object.fromEntries(pages.map((p) => [p.name, perfect])));
			}, 180_000);
		}
	}
});

describe('screenshots on phone and desktop, light and dark, contrast checked in both', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		for (const desktop of [false, true]) {
			it(`${desktop ? 'desktop' : 'phone'}, ${colorScheme}`, async () => {
				for (const target of pages) {
					const who = await openPhone(browser, app.server.url, { colorScheme, desktop });
					try {
						if (target.staff) await who.context.addCookies([{ name: SESSION_COOKIE, value: app.seed.token, url: app.server.url }]);
						await who.page.goto(url('', target.path(app.seed)), { waitUntil: 'networkidle' });
						if (target.afterSubmit) {
							await answerAndSend((script) => who.page.evaluate(script));
							await who.page.locator('[data-thanks-view]').waitFor();
						}
						expect(await axeViolations(who.page), `${target.name} ${colorScheme}`).toEqual([]);
						await screenshot(who.page, `${target.name}-${desktop ? 'desktop' : 'phone'}-${colorScheme}`);
						expect(who.problems()).toEqual([]);
					} finally {
						await who.close();
					}
				}
			});
		}
	}
});
