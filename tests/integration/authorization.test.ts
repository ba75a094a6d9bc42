import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/lib/server/auth/sessions';
import type { Database } from '../../src/lib/server/db/client';
import { groups, questionnaireVersions, type StaffRole } from '../../src/lib/server/db/schema';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff, giveSecondFactor } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';
import { engines } from '../helpers/test-db';

/**
 * The authorization matrix through the real server: every staff member tries every page and
 * action of the school, and whatever their role does not allow answers 403 or 404 - never
 * the data. Markers (group and staff names) prove no data leaked in a refusal.
 */

const SECRET_GROUP = 'Geheime groep 8B';
const LEADER_EMAIL = 'leider-zichtbaar@school.test';
const limits = { absoluteMs: 3_600_000, idleMs: 3_600_000 };

type Who = 'admin' | 'leader' | 'care' | 'teacher' | 'otherTeacher' | 'otherSchoolLeader' | 'anonymous';

async function seed(db: Database) {
	const school = await createSchool(db, 'School A');
	const other = await createSchool(db, 'School B');
	const staff = async (roles: Array<{ schoolId: string; role: StaffRole }>, email?: string) => createStaff(db, { roles, email });
	const people = {
		admin: await staff([{ schoolId: school.id, role: 'admin' }]),
		leader: await staff([{ schoolId: school.id, role: 'school_leader' }], LEADER_EMAIL),
		care: await staff([{ schoolId: school.id, role: 'care_coordinator' }]),
		teacher: await staff([{ schoolId: school.id, role: 'teacher' }]),
		otherTeacher: await staff([{ schoolId: school.id, role: 'teacher' }]),
		otherSchoolLeader: await staff([{ schoolId: other.id, role: 'school_leader' }]),
		/** The one whom the deactivation probe acts on, so the others stay logged in. */
		spare: await staff([{ schoolId: school.id, role: 'teacher' }])
	};
	// Admins and school leaders must have a second factor; the sessions below count as having passed it.
	await giveSecondFactor(db, people.admin.id, people.leader.id, people.otherSchoolLeader.id);
	const own = await createGroup(db, school.id, { name: 'Groep 7A', teacherIds: [people.teacher.id] });
	const secret = await createGroup(db, school.id, { name: SECRET_GROUP, teacherIds: [people.otherTeacher.id] });
	const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
	const secretRound = await rounds.open(db, { groupId: secret.id, versionId: version.versionId, openedBy: people.otherTeacher.id });
	const secretClosed = await rounds.open(db, { groupId: secret.id, versionId: version.versionId, openedBy: people.otherTeacher.id });
	await rounds.close(db, secretClosed.id);
	const tokens: Partial<Record<Who, string>> = {};
	for (const [who, user] of Object.entries(people)) {
		if (who !== 'spare') tokens[who as Who] = (await createSession(db, user.id, limits, true)).token;
	}
	const [questionnaire] = await db.select({ questionnaireId: questionnaireVersions.questionnaireId }).from(questionnaireVersions).where(eq(questionnaireVersions.id, version.versionId));
	return { school, other, people, own, secret, secretRound, secretClosed, tokens, questionnaireId: questionnaire!.questionnaireId };
}

type Seed = Awaited<ReturnType<typeof seed>>;

interface Probe {
	name: string;
	method: 'GET' | 'POST';
	path: (s: Seed) => string;
	/** The posted fields; a function when they name something of the seed. */
	form?: Record<string, string> | ((s: Seed) => Record<string, string>);
	allowed: Who[];
}

const everyoneOfA: Who[] = ['admin', 'leader', 'care', 'teacher', 'otherTeacher'];
const probes: Probe[] = [
	{ name: 'school overview', method: 'GET', path: (s) => `/schools/${s.school.id}`, allowed: everyoneOfA },
	{ name: 'staff list', method: 'GET', path: (s) => `/schools/${s.school.id}/staff`, allowed: ['admin', 'leader'] },
	{ name: 'staff member', method: 'GET', path: (s) => `/schools/${s.school.id}/staff/${s.people.teacher.id}`, allowed: ['admin', 'leader'] },
	{ name: 'security log', method: 'GET', path: (s) => `/schools/${s.school.id}/security-log`, allowed: ['admin'] },
	{ name: 'groups of the school', method: 'GET', path: (s) => `/schools/${s.school.id}/groups`, allowed: everyoneOfA },
	{ name: "another teacher's group", method: 'GET', path: (s) => `/groups/${s.secret.id}`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "rounds of another teacher's group", method: 'GET', path: (s) => `/groups/${s.secret.id}/rounds`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "a round of another teacher's group", method: 'GET', path: (s) => `/rounds/${s.secretRound.id}`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "results of another teacher's round", method: 'GET', path: (s) => `/rounds/${s.secretRound.id}/results`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "CSV of another teacher's round", method: 'GET', path: (s) => `/rounds/${s.secretRound.id}/results/csv`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "projector view of another teacher's round", method: 'GET', path: (s) => `/rounds/${s.secretClosed.id}/results/discuss`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "comparison of another teacher's rounds", method: 'GET', path: (s) => `/groups/${s.secret.id}/compare?a=${s.secretClosed.id}&b=${s.secretRound.id}`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "trends of another teacher's group", method: 'GET', path: (s) => `/groups/${s.secret.id}/trends`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: "trends CSV of another teacher's group", method: 'GET', path: (s) => `/groups/${s.secret.id}/trends/csv`, allowed: ['admin', 'leader', 'care', 'otherTeacher'] },
	{ name: 'privacy self-test', method: 'GET', path: (s) => `/schools/${s.school.id}/privacy-audit`, allowed: ['admin', 'leader'] },
	{ name: 'copy a school questionnaire', method: 'POST', path: (s) => `/schools/${s.school.id}/questionnaires/${s.questionnaireId}?/duplicate`, form: {}, allowed: ['admin', 'leader', 'teacher', 'otherTeacher'] },
	{ name: 'sign-in settings', method: 'GET', path: (s) => `/schools/${s.school.id}/sign-in`, allowed: ['admin'] },
	{ name: 'change the sign-in rules', method: 'POST', path: (s) => `/schools/${s.school.id}/sign-in?/settings`, form: { leadersNeedSecondFactor: 'on' }, allowed: ['admin'] },
	{ name: 'school dashboard', method: 'GET', path: (s) => `/schools/${s.school.id}/dashboard`, allowed: ['leader', 'care'] },
	{ name: 'school dashboard CSV', method: 'GET', path: (s) => `/schools/${s.school.id}/dashboard/csv`, allowed: ['leader', 'care'] },
	{ name: 'new school', method: 'GET', path: () => '/schools/new', allowed: ['admin'] },
	{ name: 'create a group', method: 'POST', path: (s) => `/schools/${s.school.id}/groups?/create`, form: { name: 'Nieuwe groep', yearLevel: '5' }, allowed: ['admin', 'leader'] },
	{ name: 'rename the school', method: 'POST', path: (s) => `/schools/${s.school.id}?/rename`, form: { name: 'Hernoemd' }, allowed: ['admin', 'leader'] },
	{ name: 'edit a group', method: 'POST', path: (s) => `/groups/${s.own.id}?/update`, form: { name: 'Groep 7A', yearLevel: '7' }, allowed: ['admin', 'leader'] },
	{ name: 'invite a teacher', method: 'POST', path: (s) => `/schools/${s.school.id}/staff?/invite`, form: { email: 'nieuw@school.test', role: 'teacher' }, allowed: ['admin', 'leader'] },
	{ name: 'invite an admin', method: 'POST', path: (s) => `/schools/${s.school.id}/staff?/invite`, form: { email: 'baas@school.test', role: 'admin' }, allowed: ['admin'] },
	{ name: 'deactivate a teacher', method: 'POST', path: (s) => `/schools/${s.school.id}/staff/${s.people.spare.id}?/deactivate`, form: {}, allowed: ['admin', 'leader'] },
	// The secret group has an open round, so an allowed quick start goes to it and opens none.
	{ name: "quick start in another teacher's group", method: 'POST', path: () => '/dashboard?/start', form: (s) => ({ groupId: s.secret.id }), allowed: ['leader', 'otherTeacher'] },
	{ name: "close another teacher's round", method: 'POST', path: (s) => `/rounds/${s.secretRound.id}?/close`, form: {}, allowed: ['leader', 'otherTeacher'] },
	{ name: "close another teacher's round from the dashboard", method: 'POST', path: () => '/dashboard?/close', form: (s) => ({ roundId: s.secretRound.id }), allowed: ['leader', 'otherTeacher'] },
	// Closed by hand at seed time, so still reopenable: the first allowed one reopens it, the next hears 409.
	{ name: "reopen another teacher's round", method: 'POST', path: (s) => `/rounds/${s.secretClosed.id}?/reopen`, form: {}, allowed: ['leader', 'otherTeacher'] }
];
const everyone: Who[] = ['admin', 'leader', 'care', 'teacher', 'otherTeacher', 'otherSchoolLeader', 'anonymous'];

describe.each(engines)('authorization matrix through the real server on %s', (engine) => {
	let app: SeededServer<Seed>;

	async function request(who: Who, probe: Probe) {
		const token = app.seed.tokens[who];
		const form = typeof probe.form === 'function' ? probe.form(app.seed) : probe.form;
		const response = await fetch(`${app.server.url}${probe.path(app.seed)}`, {
			method: probe.method,
			redirect: 'manual',
			headers: {
				accept: 'text/html',
				origin: app.server.url,
				...(token ? { cookie: `lesspiegel_session=${token}` } : {}),
				...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {})
			},
			body: form ? new URLSearchParams(form) : undefined
		});
		return { status: response.status, location: response.headers.get('location'), body: await response.text() };
	}

	beforeAll(async () => {
		app = await startSeededServer(engine, seed);
	});
	afterAll(async () => {
		await app.destroy();
	});

	it('a teacher never sees another teacher\'s group in any list', async () => {
		for (const path of ['/dashboard', `/schools/${app.seed.school.id}/groups`]) {
			const { status, body } = await request('teacher', { name: path, method: 'GET', path: () => path, allowed: [] });
			expect(status).toBe(200);
			expect(body).toContain('Groep 7A');
			expect(body).not.toContain(SECRET_GROUP);
		}
	});

	it("a teacher's own comparison does not take another group's rounds", async () => {
		const path = `/groups/${app.seed.own.id}/compare?a=${app.seed.secretClosed.id}&b=${app.seed.secretRound.id}`;
		const { status, body } = await request('teacher', { name: path, method: 'GET', path: () => path, allowed: [] });
		expect(status).toBe(200);
		expect(body).toContain('niet te vergelijken');
		expect(body).not.toContain(SECRET_GROUP);
		expect(body).not.toContain('Ronde van');
	});

	for (const probe of probes) {
		it(`${probe.method} ${probe.name}: refused to everyone but ${probe.allowed.join(', ')}`, async () => {
			// Deactivation changes state; keep the allowed ones for last so refusals see the seed as it was.
			const order = [...everyone.filter((w) => !probe.allowed.includes(w)), ...probe.allowed];
			for (const who of order) {
				const { status, location, body } = await request(who, probe);
				const label = `${who} -> ${probe.method} ${probe.name}: ${status}`;
				if (who === 'anonymous') {
					expect(status, label).toBe(303);
					expect(location, label).toMatch(/^\/login\?next=/);
				} else if (probe.allowed.includes(who)) {
					// Allowed: not refused (a repeated action may fairly answer 400, e.g. a duplicate name).
					expect(status, label).toBeLessThan(500);
					expect([403, 404], label).not.toContain(status);
					if (probe.method === 'GET') expect(status, label).toBe(200);
				} else {
					expect([403, 404], label).toContain(status);
					expect(body, label).not.toContain(SECRET_GROUP);
					expect(body, label).not.toContain(LEADER_EMAIL);
				}
			}
		});
	}

	it('refusals changed nothing', async () => {
		const names = await app.inspect((db) => db.select({ name: groups.name }).from(groups).where(eq(groups.schoolId, app.seed.school.id)));
		expect(names.map((g) => g.name).sort()).toEqual(['Groep 7A', SECRET_GROUP, 'Nieuwe groep'].sort());
	});
});
