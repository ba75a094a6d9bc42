import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry, root } from '../../scripts/build-if-stale.js';
import { seedDemo } from '../../src/cli/demo';
import { createSession } from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db/client';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { groups, heldAnswers, memberships, schools } from '../../src/lib/server/db/schema';
import { checkSchoolData } from '../../src/lib/server/privacy-audit/data-check';
import * as ballots from '../../src/lib/server/rounds/ballots';
import { applyBatch } from '../../src/lib/server/rounds/batch-writer';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { checkInstance } from '../../src/lib/server/privacy-audit/instance-check';
import { runPrivacyAudit } from '../../src/lib/server/privacy-audit/report';
import { checkSchema } from '../../src/lib/server/privacy-audit/schema-check';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { engines, migrationsDir, openTestDatabase } from '../helpers/test-db';

/**
 * The privacy self-test a school runs (issue 15): on the demo school through the real server
 * every check passes, and each kind of check fails on what it exists to catch.
 */

/** A school whose group of 4 got 6 answers: someone answered for others (padding). */
async function paddedSchool(db: Database) {
	const school = await createSchool(db, 'Padschool');
	const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
	const group = await createGroup(db, school.id, { name: 'Groep 5', teacherIds: [teacher.id] });
	await db.update(groups).set({ size: 4 }).where(eq(groups.id, group.id));
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
	const round = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: teacher.id });
	const submissions = await Promise.all(
		Array.from({ length: 6 }, async () => ({
			roundId: round.id,
			ballotHash: hashToken((await ballots.issue(db, round.id))!),
			increments: [{ questionId: version.questions[0]!.id, choice: '4' }]
		}))
	);
	await applyBatch(db, submissions);
	await rounds.close(db, round.id);
	return { school, group, round, teacher };
}

async function seed(db: Database) {
	await seedDemo(db, { now: new Date('2026-11-20T10:00:00Z') });
	const [school] = await db.select({ id: schools.id }).from(schools);
	const padded = await paddedSchool(db);
	const roleOf = async (role: 'school_leader' | 'teacher') =>
		(await db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.role, role)))[0]!.userId;
	const limits = { absoluteMs: 3_600_000, idleMs: 3_600_000 };
	return {
		schoolId: school!.id,
		leader: (await createSession(db, await roleOf('school_leader'), limits, true)).token,
		teacher: (await createSession(db, await roleOf('teacher'), limits, true)).token,
		padded: { schoolId: padded.school.id, roundId: padded.round.id, teacher: (await createSession(db, padded.teacher.id, limits, true)).token }
	};
}

describe.each(engines)('the privacy self-test on %s', (engine) => {
	let app: SeededServer<Awaited<ReturnType<typeof seed>>>;
	beforeAll(async () => {
		app = await startSeededServer(engine, seed);
	});
	afterAll(async () => {
		await app?.destroy();
	});

	const page = (token: string, locale = '') =>
		fetch(`${app.server.url}${locale}/schools/${app.seed.schoolId}/privacy-audit`, { headers: { cookie: `lesspiegel_session=${token}` }, redirect: 'manual' });

	it('passes every check for the demo school on its page, in Dutch and English, counting the rounds hidden below k', async () => {
		const nl = await page(app.seed.leader);
		expect(nl.status).toBe(200);
		const html = await nl.text();
		expect(html).toContain('Alle controles zijn in orde.');
		expect(html).not.toContain('NIET in orde');
		for (const id of ['schema.columns', 'schema.names', 'schema.addresses', 'instance.cookies', 'instance.csp', 'instance.third_party', 'data.k_rule', 'data.terms', 'data.padding', 'data.held_sealed']) {
			expect(html).toContain(`data-check="${id}"`);
		}
		// The demo has a group below k in every round: those rounds are counted as hidden.
		const hidden = /rondes, waarvan (\d+) verborgen onder k = 5/.exec(html);
		expect(Number(hidden?.[1])).toBeGreaterThan(0);
		const en = await (await page(app.seed.leader, '/en')).text();
		expect(en).toContain('Every check passed.');
	});

	it('warns the teacher on the results of a round with more answers than students, and fails the padding check', async () => {
		const { padded } = app.seed;
		const results = await fetch(`${app.server.url}/rounds/${padded.roundId}/results`, { headers: { cookie: `lesspiegel_session=${padded.teacher}` } });
		expect(await results.text()).toContain('Deze ronde heeft 6 antwoorden, maar de groep heeft 4 leerlingen');
		const [padding] = (await app.peek((db) => checkSchoolData(db, padded.schoolId))).filter((c) => c.id === 'data.padding');
		expect(padding!.findings).toEqual([expect.stringMatching(/^Groep 5, \d{4}-\d{2}-\d{2}: 6 answers from a group of 4$/)]);
	});

	it('is not there for a teacher', async () => {
		expect((await page(app.seed.teacher)).status).toBe(404);
	});

	it.runIf(engine === 'postgres')('runs from the command line against the running server, and prints a dated report', async () => {
		const child = spawn(process.execPath, [cliEntry, 'privacy-audit', '--school-id', app.seed.schoolId, '--origin', app.server.url], {
			cwd: root,
			env: { PATH: process.env.PATH, DATABASE_URL: app.databaseUrl!, MIGRATIONS_DIR: migrationsDir },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		const code = await new Promise((resolve) => child.once('close', resolve));
		expect(stdout).toContain('Privacy-zelftest LesSpiegel');
		expect(stdout).toMatch(/Datum: \d{4}-\d{2}-\d{2}T/);
		expect(stdout).toContain('Alle controles in orde.');
		expect(code).toBe(0);
	});
});

describe('each check of the privacy self-test fails on what it exists to catch', () => {
	it('the schema check finds a column nobody wrote down, one named like a student, and an address outside the security log', async () => {
		const handle = await openTestDatabase('pglite');
		try {
			await handle.db.execute(sql`alter table rounds add column student_name text`);
			await handle.db.execute(sql`alter table groups add column ip text`);
			const checks = await checkSchema(handle.db);
			const findings = Object.fromEntries(checks.map((c) => [c.id, c.findings]));
			expect(findings['schema.columns']).toEqual(['groups.ip', 'rounds.student_name']);
			expect(findings['schema.names']).toEqual(['rounds.student_name']);
			expect(findings['schema.addresses']).toEqual(['groups.ip']);
		} finally {
			await handle.destroy();
		}
	});

	it('the instance check finds a cookie, a missing or loose CSP and a script of another site', async () => {
		const careless = http.createServer((req, res) => {
			if (req.url === '/') res.setHeader('set-cookie', 'tracker=1');
			if (req.url === '/en') res.setHeader('content-security-policy', "default-src 'self' https://cdn.example");
			res.setHeader('content-type', 'text/html');
			res.end('<html><script src="https://cdn.example/analytics.js"></script></html>');
		});
		await new Promise<void>((resolve) => careless.listen(0, '127.0.0.1', resolve));
		try {
			const origin = `http://127.0.0.1:${(careless.address() as AddressInfo).port}`;
			const checks = Object.fromEntries((await checkInstance(fetch, origin)).map((c) => [c.id, c]));
			expect(checks['instance.reachable']!.ok).toBe(true);
			expect(checks['instance.cookies']!.findings).toEqual(['/: sets a cookie']);
			expect(checks['instance.csp']!.findings).toContain('/: no Content-Security-Policy');
			expect(checks['instance.csp']!.findings).toContain('/en: allows https://cdn.example');
			expect(checks['instance.third_party']!.findings).toContain('/: https://cdn.example/analytics.js');
		} finally {
			careless.close();
		}
	});

	it('the padding check passes again once the group is as large as its answers', async () => {
		const handle = await openTestDatabase('pglite');
		try {
			const { school, group } = await paddedSchool(handle.db);
			expect((await checkSchoolData(handle.db, school.id)).find((c) => c.id === 'data.padding')!.ok).toBe(false);
			await handle.db.update(groups).set({ size: 6 }).where(eq(groups.id, group.id));
			expect((await checkSchoolData(handle.db, school.id)).find((c) => c.id === 'data.padding')!.ok).toBe(true);
		} finally {
			await handle.destroy();
		}
	});

	it('S6: the held-answers check passes on sealed pools and fails on readable or overfull ones', async () => {
		const handle = await openTestDatabase('pglite');
		try {
			const { school, group, teacher } = await paddedSchool(handle.db);
			const version = await createQuestionnaireVersion(handle.db, school.id, [{ type: 'agree5' }]);
			const round = await rounds.open(handle.db, { groupId: group.id, versionId: version.versionId, openedBy: teacher.id });
			const three = await Promise.all(
				[1, 2, 3].map(async (value) => ({ roundId: round.id, ballotHash: hashToken((await ballots.issue(handle.db, round.id))!), increments: [{ questionId: version.questions[0]!.id, choice: String(value) }] }))
			);
			await applyBatch(handle.db, three);
			const held = async () => (await checkSchoolData(handle.db, school.id)).find((c) => c.id === 'data.held_sealed')!;
			expect(await held()).toMatchObject({ ok: true, findings: [] });
			await handle.db.update(heldAnswers).set({ sealed: JSON.stringify([[[version.questions[0]!.id, '1']]]) }).where(eq(heldAnswers.roundId, round.id));
			expect((await held()).findings).toEqual([expect.stringMatching(/^Groep 5, \d{4}-\d{2}-\d{2}: held answers stored unsealed$/)]);
			await handle.db.update(heldAnswers).set({ sealed: 'v1.aaaa.bbbb.cccc', members: 9 }).where(eq(heldAnswers.roundId, round.id));
			expect((await held()).findings).toEqual([expect.stringMatching(/: 9 answers held \(at most 3, never more than answered\)$/)]);
		} finally {
			await handle.destroy();
		}
	});

	it('reports an unreachable server as a failed check rather than passing', async () => {
		const handle = await openTestDatabase('pglite');
		try {
			const [school] = await handle.db.insert(schools).values({ name: 'School' }).returning({ id: schools.id });
			const report = await runPrivacyAudit({ db: handle.db, schoolId: school!.id, fetcher: fetch, origin: 'http://127.0.0.1:1' });
			expect(report!.ok).toBe(false);
			expect(report!.checks.find((c) => c.id === 'instance.reachable')!.ok).toBe(false);
		} finally {
			await handle.destroy();
		}
	});
});
