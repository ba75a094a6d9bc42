import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/cli/demo';
import { createSession } from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import type { Database } from '../../src/lib/server/db/client';
import { groups, groupTeachers, memberships, questions, rounds as roundsTable, schools, users } from '../../src/lib/server/db/schema';
import { dashboardFor, trendsFor } from '../../src/lib/server/reporting/access';
import { dashboardCsv, schoolDashboard } from '../../src/lib/server/reporting/dashboard';
import { parsePeriod } from '../../src/lib/server/reporting/period';
import { roundResults } from '../../src/lib/server/reporting/round-results';
import { groupTrends } from '../../src/lib/server/reporting/themes';
import { toIncrements } from '../../src/lib/server/rounds/answers';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff, giveSecondFactor } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const year = { from: new Date('2000-01-01'), to: new Date('2100-01-01') };

/** A school with a questionnaire of agree5 + smiley3 (theme safe_climate) and rating10 (wellbeing). */
async function setUp(db: Database) {
	const school = await createSchool(db);
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }, { type: 'smiley3' }, { type: 'rating10' }]);
	const [agree, smiley, rating] = version.questions.map((q) => q.id) as [string, string, string];
	await db.update(questions).set({ theme: 'safe_climate' }).where(inArray(questions.id, [agree, smiley]));
	await db.update(questions).set({ theme: 'wellbeing' }).where(eq(questions.id, rating));
	/** A round of the group in which each entry [agree, smiley, rating] is one student; closed unless `open`. */
	async function round(groupId: string, students: Array<[number, number, number]>, options: { open?: boolean } = {}) {
		const { id } = await rounds.open(db, { groupId, versionId: version.versionId, openedBy: null });
		const batch = [];
		for (const [a, s, r] of students) {
			const increments = toIncrements(version.questions, { [agree]: a, [smiley]: s, [rating]: r });
			if (!Array.isArray(increments)) throw new Error('invalid test answers');
			batch.push({ roundId: id, ballotHash: hashToken((await ballots.issue(db, id))!), increments });
		}
		await applyBatch(db, batch);
		if (!options.open) await rounds.close(db, id);
		return id;
	}
	return { school, round };
}

/** The query choosing the term that holds `now` (terms: August, December, April). */
function currentTerm(now: Date) {
	const month = now.getUTCMonth();
	const year = month >= 7 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
	return `year=${year}&term=${month >= 7 && month < 11 ? 1 : month >= 3 && month < 7 ? 3 : 2}`;
}

const many = (count: number, answer: [number, number, number]) => Array.from({ length: count }, () => answer);

describe.each(engines)('dashboards on %s', (engine) => {
	let handle: TestDatabase;
	let db: Database;

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		db = handle.db;
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('computes theme scores on 0-100, weighted by respondents', async () => {
		const { school, round } = await setUp(db);
		const group = await createGroup(db, school.id);
		// agree 5 -> 100, 1 -> 0; smiley 2 -> 50; rating 7 -> 70, 3 -> 30.
		await round(group.id, [...many(3, [5, 2, 7]), ...many(2, [1, 2, 3])]);
		const [family] = await groupTrends(db, group.id, 'en');
		expect(family!.themes).toEqual([
			{ key: 'safe_climate', name: 'Safe climate' },
			{ key: 'wellbeing', name: 'Wellbeing' }
		]);
		// safe_climate: (3*100 + 2*0 + 5*50) / 10 answers = 55; wellbeing: (3*70 + 2*30) / 5 = 54.
		expect(family!.rounds).toEqual([expect.objectContaining({ n: 5, scores: { safe_climate: 55, wellbeing: 54 } })]);
		const dashboard = await schoolDashboard(db, school.id, year, 'en');
		expect(dashboard!.themes.map((t) => [t.key, t.groups[0]!.score, t.school])).toEqual([
			['safe_climate', 55, { n: 5, score: 55 }],
			['wellbeing', 54, { n: 5, score: 54 }]
		]);
	});

	it('S4: a group below k is shown as too few responses and is left out of the school total\'s recovery', async () => {
		const { school, round } = await setUp(db);
		const [a, b, small] = [await createGroup(db, school.id, { name: 'A' }), await createGroup(db, school.id, { name: 'B' }), await createGroup(db, school.id, { name: 'C' })];
		await round(a.id, many(6, [4, 3, 8]));
		await round(b.id, many(7, [2, 1, 4]));
		await round(small.id, many(3, [1, 1, 0]));
		const dashboard = (await schoolDashboard(db, school.id, year, 'nl'))!;
		for (const theme of dashboard.themes) {
			const c = theme.groups.find((g) => g.groupId === small.id)!;
			expect(c).toEqual({ groupId: small.id, name: 'C', n: null, score: null });
			const shown = theme.groups.filter((g) => g.n !== null);
			expect(shown.map((g) => g.name)).toEqual(['A', 'B']);
			// The subtraction attack: what the total holds beyond the shown groups is 0 or >= k.
			const rest = theme.school!.n - shown.reduce((sum, g) => sum + g.n!, 0);
			expect(rest === 0 || rest >= dashboard.k).toBe(true);
		}
		// And the total's score is that of A and B alone: nothing of C can be subtracted out.
		const safe = dashboard.themes.find((t) => t.key === 'safe_climate')!;
		expect(safe.school!.score).toBe(Math.round(((6 * 75 + 6 * 100 + 7 * 25 + 7 * 0) / 26) * 10) / 10);
		// In the group's own trend the round below k has its n but no score.
		expect((await groupTrends(db, small.id, 'nl'))[0]!.rounds[0]).toMatchObject({ n: 3, scores: {} });
	});

	it('S4: the CSV holds nothing below k', async () => {
		const { school, round } = await setUp(db);
		await db.update(schools).set({ minGroupSize: 6 }).where(eq(schools.id, school.id));
		const big = await createGroup(db, school.id, { name: 'Groot' });
		const small = await createGroup(db, school.id, { name: 'Klein' });
		await round(big.id, many(8, [5, 3, 10]));
		await round(small.id, many(5, [1, 1, 1]));
		const csv = dashboardCsv((await schoolDashboard(db, school.id, year, 'nl'))!, 'nl');
		expect(csv).not.toContain('Klein');
		const [scores, distributions] = csv.split('\r\n\r\n') as [string, string];
		expect(scores).not.toMatch(/,5,|,0(\r\n|$)/);
		// The round below k is in no total either, so the school row is exactly the shown group.
		expect(scores.split('\r\n').slice(1)).toEqual([
			'Veilig klimaat,Groot,8,100',
			'Veilig klimaat,Hele school,8,100',
			'Welbevinden,Groot,8,100',
			'Welbevinden,Hele school,8,100'
		]);
		// The school's distributions hold the big group's answers only: the small group's 1s are 0.
		const rows = distributions.split('\r\n');
		expect(rows[0]).toBe('theme,scale,choice,label,n,share_percent');
		expect(rows).toContain('Veilig klimaat,agree5,1,Helemaal oneens,0,0');
		expect(rows).toContain('Veilig klimaat,agree5,5,Helemaal eens,8,100');
		expect(rows).toContain('Veilig klimaat,smiley3,1,Niet leuk,0,0');
		expect(rows).toContain('Welbevinden,rating10,1,1,0,0');
		expect(rows).toContain('Welbevinden,rating10,10,10,8,100');
	});

	it('S4: the school distribution counts only rounds of at least k, and nothing is left to subtract', async () => {
		const { school, round } = await setUp(db);
		const [a, b, c] = [await createGroup(db, school.id, { name: 'A' }), await createGroup(db, school.id, { name: 'B' }), await createGroup(db, school.id, { name: 'C' })];
		const shownRounds = [await round(a.id, many(6, [4, 3, 8])), await round(b.id, [...many(5, [2, 1, 4]), ...many(2, [5, 3, 9])])];
		await round(c.id, many(4, [1, 2, 0]));
		const dashboard = (await schoolDashboard(db, school.id, year, 'en'))!;
		expect(dashboard.counted).toEqual({ rounds: 2, n: 13 });
		const safe = dashboard.themes.find((t) => t.key === 'safe_climate')!;
		expect(safe.distributions.map((d) => [d.type, d.answers, d.items.map((i) => i.n)])).toEqual([
			['agree5', 13, [0, 5, 0, 6, 2]],
			['smiley3', 13, [5, 0, 8]]
		]);
		expect(safe.distributions[0]!.items[3]).toEqual({ choice: '4', label: 'Agree', n: 6, share: 46.2 });
		const wellbeing = dashboard.themes.find((t) => t.key === 'wellbeing')!;
		expect(wellbeing.distributions.map((d) => [d.type, d.answers])).toEqual([['rating10', 13]]);
		expect(wellbeing.distributions[0]!.items.map((i) => i.choice)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);

		// The subtraction attack: the school's distribution minus the distributions of the rounds
		// anyone may see leaves nothing, so group C's answers cannot be worked out.
		const visible = await Promise.all(shownRounds.map((id) => roundResults(db, id, 'en')));
		for (const distribution of [...safe.distributions, ...wellbeing.distributions]) {
			for (const item of distribution.items) {
				const seen = visible
					.flatMap((r) => r!.questions.filter((q) => q.type === distribution.type))
					.reduce((sum, q) => sum + q.distribution.find((d) => d.choice === item.choice)!.n, 0);
				expect(item.n - seen, `${distribution.type} ${item.choice}`).toBe(0);
			}
		}
	});

	it('S4: a school whose only round is below k shows no theme, distribution or count', async () => {
		const { school, round } = await setUp(db);
		const group = await createGroup(db, school.id);
		await round(group.id, many(4, [5, 3, 10]));
		const dashboard = (await schoolDashboard(db, school.id, year, 'en'))!;
		expect(dashboard.themes).toEqual([]);
		expect(dashboard.counted).toEqual({ rounds: 0, n: 0 });
	});

	it('a term counts only the rounds opened in it', async () => {
		const { school, round } = await setUp(db);
		const group = await createGroup(db, school.id);
		const autumn = await round(group.id, many(5, [5, 3, 10]));
		const spring = await round(group.id, many(6, [1, 1, 0]));
		await db.update(roundsTable).set({ openedAt: new Date('2025-11-30T15:00:00Z') }).where(eq(roundsTable.id, autumn));
		await db.update(roundsTable).set({ openedAt: new Date('2025-12-01T08:00:00Z') }).where(eq(roundsTable.id, spring));
		const term = (n: number) => parsePeriod(new URL(`http://x/?year=2025&term=${n}`)).period;
		const scoresIn = async (n: number) => (await schoolDashboard(db, school.id, term(n), 'en'))!.themes.map((t) => t.school);
		expect(await scoresIn(1)).toEqual([
			{ n: 5, score: 100 },
			{ n: 5, score: 100 }
		]);
		expect(await scoresIn(2)).toEqual([
			{ n: 6, score: 0 },
			{ n: 6, score: 0 }
		]);
		expect(await scoresIn(3)).toEqual([]);
	});

	it('S5: open rounds never appear in trends or the dashboard', async () => {
		const { school, round } = await setUp(db);
		const group = await createGroup(db, school.id);
		await round(group.id, many(5, [5, 3, 10]));
		await round(group.id, many(9, [1, 1, 0]), { open: true });
		const [family] = await groupTrends(db, group.id, 'nl');
		expect(family!.rounds.map((r) => r.n)).toEqual([5]);
		const dashboard = (await schoolDashboard(db, school.id, year, 'nl'))!;
		expect(dashboard.themes.map((t) => t.school)).toEqual([
			{ n: 5, score: 100 },
			{ n: 5, score: 100 }
		]);
	});

	it('only school leaders and care coordinators see the dashboard; trends follow group.view', async () => {
		const result = await seedDemo(db, { now: new Date('2026-06-15T12:00:00Z') });
		const [school] = await db.select({ id: schools.id }).from(schools);
		const actorOf = async (role: string) => {
			const email = result.logins.find((l) => l.role === role)!.email;
			const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
			const roles = await db.select({ schoolId: memberships.schoolId, role: memberships.role }).from(memberships).where(eq(memberships.userId, user!.id));
			return { id: user!.id, memberships: roles };
		};
		const schoolYear = { from: new Date('2025-08-01'), to: new Date('2026-08-01') };
		for (const role of ['school_leader', 'care_coordinator']) {
			const dashboard = await dashboardFor(db, await actorOf(role), school!.id, schoolYear, 'nl');
			expect(dashboard!.themes.length).toBeGreaterThan(0);
			for (const theme of dashboard!.themes) {
				for (const g of theme.groups) expect(g.n === null || g.n >= dashboard!.k).toBe(true);
				if (theme.school) {
					const rest = theme.school.n - theme.groups.reduce((sum, g) => sum + (g.n ?? 0), 0);
					expect(rest === 0 || rest >= dashboard!.k).toBe(true);
				}
			}
		}
		for (const role of ['teacher', 'admin']) expect(await dashboardFor(db, await actorOf(role), school!.id, schoolYear, 'nl')).toBeNull();
		// A teacher sees the trends of their own group, not another teacher's.
		const teacher = await actorOf('teacher');
		const own = result.logins.find((l) => l.email === result.logins.find((x) => x.role === 'teacher')!.email)!.groups[0]!;
		const other = result.logins.filter((l) => l.role === 'teacher')[1]!.groups[0]!;
		const idOf = async (name: string) => (await db.select({ id: groups.id }).from(groups).where(eq(groups.name, name)))[0]!.id;
		expect((await trendsFor(db, teacher, await idOf(own), 'nl'))!.families.length).toBeGreaterThan(0);
		expect(await trendsFor(db, teacher, await idOf(other), 'nl')).toBeNull();
		const stranger = await createStaff(db, { roles: [{ schoolId: (await createSchool(db)).id, role: 'school_leader' }] });
		expect(await dashboardFor(db, { id: stranger.id, memberships: [] }, school!.id, schoolYear, 'nl')).toBeNull();
	});
});

async function seedSchool(db: Database) {
	const { school, round } = await setUp(db);
	const [a, b, c] = [await createGroup(db, school.id, { name: 'Groep A' }), await createGroup(db, school.id, { name: 'Groep B' }), await createGroup(db, school.id, { name: 'Groep C' })];
	await round(a.id, many(6, [4, 3, 8]));
	await round(b.id, many(7, [2, 1, 4]));
	await round(c.id, many(3, [1, 1, 0]));
	const leader = await createStaff(db, { roles: [{ schoolId: school.id, role: 'school_leader' }] });
	await giveSecondFactor(db, leader.id);
	const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	await db.insert(groupTeachers).values({ groupId: a.id, userId: teacher.id });
	const limits = { absoluteMs: 3_600_000, idleMs: 3_600_000 };
	const token = async (userId: string) => (await createSession(db, userId, limits, true)).token;
	return { schoolId: school.id, groupIds: [a.id, b.id, c.id], leader: await token(leader.id), teacher: await token(teacher.id) };
}

describe.each(engines)('dashboards through the real server on %s', (engine) => {
	let app: SeededServer<Awaited<ReturnType<typeof seedSchool>>>;

	beforeAll(async () => {
		app = await startSeededServer(engine, seedSchool);
	});
	afterAll(async () => {
		await app.destroy();
	});

	const get = (path: string, token: string) => fetch(`${app.server.url}${path}`, { headers: { cookie: `lesspiegel_session=${token}` }, redirect: 'manual' });
	const range = '?from=2000-01-01&to=2099-12-31';

	it('S4: the dashboard page and CSV show a group below k only as too few responses', async () => {
		const page = await get(`/en/schools/${app.seed.schoolId}/dashboard${range}`, app.seed.leader);
		expect(page.status).toBe(200);
		const html = await page.text();
		const cells = html.replace(/<!--[^>]*-->| class="[^"]*"/g, '').replace(/>\s+</g, '><');
		expect(cells).toContain('<th scope="row">Groep C</th><td colspan="2">Too few responses</td>');
		expect(cells).toContain('<th scope="row">Whole school</th><td>13</td><td>47.1</td>');
		const csv = await (await get(`/schools/${app.seed.schoolId}/dashboard/csv${range}`, app.seed.leader)).text();
		expect(csv).toContain('Veilig klimaat,Groep A,6,87.5\r\n');
		expect(csv).not.toContain('Groep C');
		// The school's distribution: Groep C's three "strongly disagree" are in no count.
		expect(cells).toContain('<th scope="row">Strongly disagree</th><td>0</td><td>0%</td>');
		expect(cells).toContain('<th scope="row">Agree</th><td>6</td><td>46.2%</td>');
		expect(csv).toContain('Veilig klimaat,agree5,1,Helemaal oneens,0,0\r\n');
		for (const bad of ['?from=2026-13-01&to=x', '?year=2025&term=4', '?year=2025&from=2025-01-01&to=2025-02-01']) {
			const invalid = await (await get(`/en/schools/${app.seed.schoolId}/dashboard${bad}`, app.seed.leader)).text();
			expect(invalid, bad).toContain('That period is not valid');
		}
		// Rounds were opened now: the current term shows them, and the CSV link keeps the term.
		const term = currentTerm(new Date());
		const inTerm = await (await get(`/en/schools/${app.seed.schoolId}/dashboard?${term}`, app.seed.leader)).text();
		expect(inTerm).toContain('Responses: 13 (in 2 rounds that count)');
		expect(inTerm).toContain(`/dashboard/csv?${term.replace('&', '&amp;')}`);
	});

	it('a teacher gets 404 on the dashboard and its CSV, and sees only their own group\'s trends', async () => {
		for (const path of [`/schools/${app.seed.schoolId}/dashboard`, `/schools/${app.seed.schoolId}/dashboard/csv`]) {
			expect((await get(path, app.seed.teacher)).status, path).toBe(404);
		}
		const [own, other] = app.seed.groupIds;
		const trends = await get(`/en/groups/${own}/trends`, app.seed.teacher);
		expect(trends.status).toBe(200);
		expect(await trends.text()).toContain('Safe climate');
		expect((await get(`/groups/${other}/trends`, app.seed.teacher)).status).toBe(404);
		expect((await get(`/groups/${other}/trends/csv`, app.seed.teacher)).status).toBe(404);
	});

	it('S4: the trends CSV holds what the trends page shows, and leaves a group below k without scores', async () => {
		const [shown, , below] = app.seed.groupIds;
		const csv = await get(`/en/groups/${shown}/trends/csv`, app.seed.leader);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		const lines = (await csv.text()).trimEnd().split('\r\n');
		expect(lines[0]).toMatch(/^# An empty score: fewer than k answers/);
		expect(lines[1]).toMatch(/^Questionnaire,Date,Responses,/);
		expect(lines).toHaveLength(3);
		expect(lines[2]!.split(',')[2]).toBe('6');
		expect(lines[2]!.split(',').slice(3).some((score) => score !== '')).toBe(true);
		// Group C has 3 responses, below k = 5: its row has the count and no score at all.
		const belowLines = (await (await get(`/en/groups/${below}/trends/csv`, app.seed.leader)).text()).trimEnd().split('\r\n');
		expect(belowLines[2]!.split(',')[2]).toBe('3');
		expect(belowLines[2]!.split(',').slice(3).every((score) => score === '')).toBe(true);
	});
});
