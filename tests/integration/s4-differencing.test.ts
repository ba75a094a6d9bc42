import { isDeepStrictEqual } from 'node:util';
import { eq, isNull } from 'drizzle-orm';
import { unflatten } from 'devalue';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRandom, groupProfiles, simulatePupil } from '../../src/cli/demo-answers';
import { seedDemo } from '../../src/cli/demo';
import { createSession } from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import type { Database } from '../../src/lib/server/db/client';
import { groups, rounds as roundRows, schools } from '../../src/lib/server/db/schema';
import { loadForRound } from '../../src/lib/server/questionnaires/content';
import { comparisonFor, dashboardFor, trendsFor } from '../../src/lib/server/reporting/access';
import { dashboardCsv, schoolDashboard, type Dashboard } from '../../src/lib/server/reporting/dashboard';
import { parsePeriod } from '../../src/lib/server/reporting/period';
import { roundResults, roundResultsCsv, type RoundResults } from '../../src/lib/server/reporting/round-results';
import type { TrendFamily } from '../../src/lib/server/reporting/themes';
import { trendsCsv } from '../../src/lib/server/reporting/trends-csv';
import { toIncrements } from '../../src/lib/server/rounds/answers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { askedPeriods, collectViews, dashboardBases, rewriteWithheldAnswers, roundIdsOfGroups, roundsOf, staffOf } from '../helpers/report-views';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/**
 * PRIVACY.md S4 across views: what the k rule withholds cannot be recovered by putting two (or
 * more) reports side by side, on the demo school (`npm run demo`), whose Groep 8b has three or
 * four answers in every round.
 *
 * What is withheld: the answers (a distribution, a mean, a score) of any set of 1 to k-1
 * submissions - a round below k, a question of a round answered by fewer than k, and what two
 * shown reports differ by. The n of a round and the respondents of a question are shown on the
 * round's page whatever their size (a count says nothing about what was answered), so they are
 * not secret, and two counts differing by less than k is no leak in itself.
 *
 * What "recoverable" means, and how each is tried:
 * 1. Non-interference. Every report each staff member may ask for (the dashboard for every
 *    period below as school leader, and for the school years and terms as care coordinator, who
 *    sees the same; trends, comparisons and round results of every group each may see, admin
 *    and teachers too; each one's CSV) is collected; then every withheld answer is
 *    rewritten to other choices, keeping each round's n and each question's respondents, and
 *    everything is collected again. Not one figure may move: then no combination of any number
 *    of reports - differences, sums, ratios, rounding - tells anything about a withheld answer.
 * 2. Differencing of shown answers. Two reports each of at least k can still differ by fewer
 *    than k submissions: a school year with and without one round of a small group, a term
 *    against custom dates one day longer. A dashboard counts the closed rounds opened in its
 *    period, so for every pair of periods of which one covers a subset of the other's rounds,
 *    every count a figure is made of (a group's n, the school's n, a distribution's answers,
 *    the rounds' submissions) must differ by 0 or by at least k. Overlapping periods need no
 *    own check: their union and intersection are periods one can ask for, and nested. Periods
 *    tried: every school year of the filter and with data, every term of them, and every custom
 *    range whose first and last day are a day a round opened or closed, or the day before or
 *    after (ranges that cover the same rounds give the same report, so one of each is asked).
 * 3. A live round over time: each snapshot the results page shows while it is open and the
 *    results once it is closed are reports of one round; any two must be built from the same
 *    submissions or at least k apart, and so must each question between the last snapshot and
 *    the final results. The dashboard then holds no more of that round than its page shows.
 *    Not tried: a question between two snapshots, which can move by fewer than k answers when
 *    pupils skip it (the snapshot steps by k submissions); the snapshot is taken in the
 *    database function apply_answer_batch, so that needs a migration (docs/privacy.md, S4).
 * 4. Through the real server, the CSV and the JSON behind each page (`__data.json`, what a
 *    client-side navigation loads) carry exactly the domain's result and nothing beside it.
 */

/** The demo's history then runs from September to mid-April: a school year's terms, and a run of about a minute. */
const NOW = new Date('2026-04-15T12:00:00Z');

async function demoSchool(db: Database) {
	await seedDemo(db, { now: NOW });
	const [school] = await db.select({ id: schools.id, k: schools.minGroupSize }).from(schools);
	return school!;
}

describe.each(engines)('S4: nothing the k rule withholds can be recovered from two views together, on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('no figure of any view, period or role depends on a withheld answer, and nested periods differ by 0 or at least k', async () => {
		const { db } = handle;
		const school = await demoSchool(db);
		const periods = askedPeriods(await roundsOf(db, school.id), new Date());
		const before = await collectViews(db, school.id, periods);

		// The attack has something to find: Groep 8b's rounds are below k and shown as their n only.
		const small = await roundIdsOfGroups(db, school.id, ['Groep 8b']);
		expect(small.length).toBeGreaterThanOrEqual(7);
		for (const id of small) expect(before.get(`directeur@demo.lesspiegel.invalid results ${id}`)).toMatchObject({ shown: false, questions: [] });
		expect(periods.length).toBeGreaterThan(300);
		for (const { choice } of periods.filter((p) => p.choice.year !== null)) {
			expect(before.get(`care_coordinator dashboard ${choice.query}`)).toEqual(before.get(`school_leader dashboard ${choice.query}`));
		}

		// 2. Every pair of periods, one covering a subset of the other's rounds.
		const leaks: string[] = [];
		const shown = periods.map((p) => ({ query: p.choice.query, covers: p.covers, bases: dashboardBases(before.get(`school_leader dashboard ${p.choice.query}`) as Dashboard) }));
		for (const inner of shown) {
			for (const outer of shown) {
				if (inner.covers === outer.covers || (inner.covers & ~outer.covers) !== 0n) continue;
				for (const [key, n] of outer.bases) {
					const rest = n - (inner.bases.get(key) ?? n);
					if (rest > 0 && rest < school.k) leaks.push(`${outer.query} minus ${inner.query}: ${key} differs by ${rest}`);
				}
			}
		}
		expect(leaks.slice(0, 10)).toEqual([]);

		// 1. Rewrite every withheld answer; not one figure of any view may change.
		const rewritten = await rewriteWithheldAnswers(db, school.id);
		for (const id of small) expect(rewritten.some((u) => u.roundId === id)).toBe(true);
		const after = await collectViews(db, school.id, periods);
		expect([...after.keys()]).toEqual([...before.keys()]);
		const moved = [...before.keys()].filter((key) => !isDeepStrictEqual(before.get(key), after.get(key)));
		expect(moved.slice(0, 10)).toEqual([]);
	}, 240_000);

	it('a live round: its snapshots and its final results are built from the same submissions or at least k apart', async () => {
		const { db } = handle;
		const school = await demoSchool(db);
		const [group] = await db.select({ id: groups.id }).from(groups).where(eq(groups.name, 'Groep 8'));
		const [demoOpen] = await db.select({ versionId: roundRows.versionId }).from(roundRows).where(isNull(roundRows.closedAt));
		const round = await rounds.open(db, { groupId: group!.id, versionId: demoOpen!.versionId, openedBy: null, liveResults: true });
		const { questions } = (await loadForRound(db, demoOpen!.versionId))!;
		const random = createRandom(15);
		const profile = groupProfiles.find((p) => p.name === 'Groep 8')!;

		// Sixteen pupils, one at a time, the teacher's screen read after each; then closed. (With
		// the answer pools of S6 the counters, and so the snapshots, lag by two or three: sixteen
		// give two snapshots.)
		const views: RoundResults[] = [];
		for (let pupil = 0; pupil < 16; pupil++) {
			const increments = toIncrements(questions, simulatePupil(random, profile, questions, 1, 0));
			if (!Array.isArray(increments)) throw new Error('invalid answers');
			await applyBatch(db, [{ roundId: round.id, ballotHash: hashToken((await ballots.issue(db, round.id))!), increments }]);
			views.push((await roundResults(db, round.id, 'nl'))!);
		}
		await rounds.close(db, round.id);
		const final = (await roundResults(db, round.id, 'nl'))!;
		views.push(final);

		const shown = views.filter((v) => v.shown);
		const basis = (v: RoundResults) => v.publishedN ?? v.n;
		expect(new Set(shown.map(basis)).size).toBeGreaterThanOrEqual(2);
		const leaks: string[] = [];
		for (const a of shown) {
			for (const b of shown) {
				const rest = basis(b) - basis(a);
				if (rest > 0 && rest < school.k) leaks.push(`the view of ${basis(b)} minus the view of ${basis(a)}`);
			}
		}
		const lastSnapshot = shown.filter((v) => v.open).at(-1)!;
		for (const q of final.questions) {
			const earlier = lastSnapshot.questions.find((x) => x.id === q.id)!;
			const rest = q.respondents - earlier.respondents;
			if (q.shown && earlier.shown && rest > 0 && rest < school.k) leaks.push(`question ${q.prompt}: final minus last snapshot is ${rest} answers`);
		}
		expect(leaks).toEqual([]);

		// The dashboard of the round's day holds exactly the answers its page shows.
		const today = new Date().toISOString().slice(0, 10);
		const dashboard = (await schoolDashboard(db, school.id, parsePeriod(new URL(`http://x/?from=${today}&to=${today}`)).period, 'nl'))!;
		const onPage = final.questions.filter((q) => q.shown && q.themeKey && q.mean !== null).reduce((sum, q) => sum + q.respondents, 0);
		const inDashboard = dashboard.themes.flatMap((t) => t.distributions).reduce((sum, d) => sum + d.answers, 0);
		expect(inDashboard).toBe(onPage);
		expect(dashboard.counted.n).toBe(basis(final));
	}, 60_000);
});

/** The demo school, sessions for its leader and a teacher, and what the domain reports for the pages asked below. */
async function seedWithExpected(db: Database) {
	const school = await demoSchool(db);
	const staff = await staffOf(db, school.id);
	const limits = { absoluteMs: 3_600_000, idleMs: 3_600_000 };
	const token = async (role: string) => (await createSession(db, staff.find((s) => s.role === role)!.id, limits, true)).token;
	const leader = staff.find((s) => s.role === 'school_leader')!;
	const roundList = (await roundsOf(db, school.id)).filter((r) => r.closedAt);
	// The school year and its terms, and custom dates around Groep 8b's first round.
	const small = roundList.find((r) => r.groupName === 'Groep 8b')!.openedAt.toISOString().slice(0, 10);
	const queries = ['year=2025', 'year=2025&term=1', 'year=2025&term=2', 'year=2025&term=3', `from=2025-08-01&to=${small}`, `from=${small}&to=${small}`];
	const dashboards = new Map<string, Dashboard>();
	for (const query of queries) dashboards.set(query, (await dashboardFor(db, leader, school.id, parsePeriod(new URL(`http://x/?${query}`)).period, 'nl'))!);
	const trends = new Map<string, unknown>();
	const comparisons = new Map<string, { a: string; b: string; comparison: unknown }>();
	for (const groupId of new Set(roundList.map((r) => r.groupId))) {
		trends.set(groupId, (await trendsFor(db, leader, groupId, 'nl'))!.families);
		const [a, b] = roundList.filter((r) => r.groupId === groupId);
		comparisons.set(groupId, { a: a!.id, b: b!.id, comparison: (await comparisonFor(db, leader, groupId, { a: a!.id, b: b!.id }, 'nl'))!.comparison });
	}
	const results = new Map<string, RoundResults>();
	for (const r of roundList) results.set(r.id, (await roundResults(db, r.id, 'nl'))!);
	return { schoolId: school.id, leader: await token('school_leader'), coordinator: await token('care_coordinator'), dashboards, trends, comparisons, results };
}

describe.each(engines)('S4: the CSV and the JSON behind each page carry exactly the domain\'s figures, through the real server on %s', (engine) => {
	let app: SeededServer<Awaited<ReturnType<typeof seedWithExpected>>>;
	beforeAll(async () => {
		app = await startSeededServer(engine, seedWithExpected);
	}, 120_000);
	afterAll(async () => {
		await app?.destroy();
	});

	const get = async (path: string, token = app.seed.leader) => {
		const response = await fetch(`${app.server.url}${path}`, { headers: { cookie: `lesspiegel_session=${token}` }, redirect: 'manual' });
		expect(response.status, path).toBe(200);
		return response.text();
	};
	/** What SvelteKit sends a client-side navigation: the page's own load data, devalue-encoded. */
	const pageData = async (path: string, token?: string) => {
		const [route, query] = path.split('?');
		const body = JSON.parse(await get(`${route}/__data.json${query ? `?${query}` : ''}`, token)) as { nodes: Array<{ type: string; data: unknown[] } | null> };
		const node = body.nodes.filter((n) => n?.type === 'data').at(-1)!;
		return unflatten(node.data) as Record<string, unknown>;
	};

	it('the dashboard, trends, comparison and round results: page data and CSV are the domain result, and nothing more', async () => {
		const { schoolId, dashboards, trends, comparisons, results } = app.seed;
		for (const [query, dashboard] of dashboards) {
			for (const token of [app.seed.leader, app.seed.coordinator]) {
				const data = await pageData(`/schools/${schoolId}/dashboard?${query}`, token);
				expect(Object.keys(data).sort()).toEqual(['dashboard', 'period', 'school', 'terms', 'years']);
				expect(data.dashboard, query).toEqual(dashboard);
				expect(await get(`/schools/${schoolId}/dashboard/csv?${query}`, token), query).toBe(dashboardCsv(dashboard, 'nl'));
			}
		}
		for (const [groupId, families] of trends) {
			const data = await pageData(`/groups/${groupId}/trends`);
			expect(Object.keys(data).sort()).toEqual(['families', 'group', 'school']);
			expect(data.families).toEqual(families);
			expect(await get(`/groups/${groupId}/trends/csv`)).toBe(trendsCsv(families as TrendFamily[], 'nl'));
			const { a, b, comparison } = comparisons.get(groupId)!;
			const compared = await pageData(`/groups/${groupId}/compare?a=${a}&b=${b}`);
			expect(Object.keys(compared).sort()).toEqual(['choices', 'comparison', 'group', 'picked', 'school']);
			expect(compared.comparison).toEqual(comparison);
		}
		for (const [roundId, result] of results) {
			for (const path of [`/rounds/${roundId}/results`, `/rounds/${roundId}/results/discuss`]) {
				const data = await pageData(path);
				expect(data.results, path).toEqual(result);
			}
			expect(await get(`/rounds/${roundId}/results/csv`)).toBe(roundResultsCsv(result));
		}
	}, 120_000);
});
