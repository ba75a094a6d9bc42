import { eq, sql } from 'drizzle-orm';
import { hashPassword } from '../lib/server/auth/passwords';
import { isComplete } from '../lib/server/auth/setup';
import { hashToken } from '../lib/server/auth/tokens';
import * as totp from '../lib/server/auth/totp';
import type { Database } from '../lib/server/db/client';
import { memberships, rounds as roundRows, schools, users, type StaffRole } from '../lib/server/db/schema';
import * as groups from '../lib/server/org/groups';
import * as questionnaires from '../lib/server/questionnaires/questionnaires';
import { templateKeys, type TemplateKey } from '../lib/server/questionnaires/templates';
import { toIncrements } from '../lib/server/rounds/answers';
import * as ballots from '../lib/server/rounds/ballots';
import { applyBatch, type Submission } from '../lib/server/rounds/batch-writer';
import * as rounds from '../lib/server/rounds/rounds';
import { createRandom, groupProfiles, historyStart, roundTimes, simulatePupil, type DemoQuestion, type GroupProfile, type Random } from './demo-answers';
import { CliError } from './errors';

/**
 * `npm run demo`: a demo school with a school year of answered rounds, so a newcomer sees real
 * dashboards at once. Answers go the way a real pupil's do (a ballot per pupil, increments
 * through the batch writer, ballots deleted on close), so the tables hold what the live system
 * would. Only the dates are rewritten afterwards, to spread the rounds over the year.
 */

export const DEMO_PASSWORD = 'demo-wachtwoord-2026';
/** The admin's authenticator key: fixed and public, so it is only fit for a demo. */
export const DEMO_TOTP_KEY = 'LESSPIEGELDEMOVLINDERTOTPKEYAAAA';
export const DEMO_DOMAIN = 'demo.lesspiegel.invalid';
const DEMO_SEED = 20_260_901;
/** Submissions per applyBatch call, as a busy server's batch writer would group them. */
const BATCH = 50;

export interface DemoOptions {
	/** Adds another demo school even though the database already has staff. */
	forceNewSchool?: boolean;
	/** The day the history runs up to (default: now). */
	now?: Date;
	seed?: number;
	onProgress?(done: number, total: number): void;
}

export interface DemoLogin {
	email: string;
	role: StaffRole;
	name: string;
	groups: string[];
}

export interface DemoResult {
	schoolName: string;
	logins: DemoLogin[];
	recoveryCodes: string[];
	closedRounds: number;
	submissions: number;
	openRound: { groupName: string; joinCode: string };
}

const staffPlan: Array<{ local: string; role: StaffRole; firstName: string; lastName: string }> = [
	{ local: 'beheerder', role: 'admin', firstName: 'Ahmed', lastName: 'Bakker' },
	{ local: 'directeur', role: 'school_leader', firstName: 'Marieke', lastName: 'de Vries' },
	{ local: 'intern-begeleider', role: 'care_coordinator', firstName: 'Sanne', lastName: 'Jansen' },
	{ local: 'leerkracht1', role: 'teacher', firstName: 'Joris', lastName: 'Visser' },
	{ local: 'leerkracht2', role: 'teacher', firstName: 'Fatima', lastName: 'El Amrani' }
];

/** The first free numbering: "beheerder@", then "beheerder2@", ... for each extra demo school. */
async function freeSuffix(db: Database): Promise<string> {
	for (let n = 1; ; n++) {
		const suffix = n === 1 ? '' : String(n);
		const [taken] = await db
			.select({ id: users.id })
			.from(users)
			.where(eq(sql`lower(${users.email})`, `beheerder${suffix}@${DEMO_DOMAIN}`))
			.limit(1);
		if (!taken) return suffix;
	}
}

async function createSchoolAndStaff(db: Database, suffix: string) {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	return db.transaction(async (tx) => {
		const [school] = await tx
			.insert(schools)
			.values({ name: `Demoschool De Vlinder${suffix ? ` ${suffix}` : ''}`, minGroupSize: 5 })
			.returning({ id: schools.id, name: schools.name });
		const staff = [];
		for (const person of staffPlan) {
			const email = `${person.local}${suffix}@${DEMO_DOMAIN}`;
			const [user] = await tx
				.insert(users)
				.values({ email, passwordHash, firstName: person.firstName, lastName: person.lastName })
				.returning({ id: users.id });
			await tx.insert(memberships).values({ userId: user!.id, schoolId: school!.id, role: person.role });
			staff.push({ id: user!.id, email, role: person.role, name: `${person.firstName} ${person.lastName}` });
		}
		return { school: school!, staff };
	});
}

interface Version {
	id: string;
	questions: DemoQuestion[];
}

async function schoolQuestionnaires(db: Database, schoolId: string): Promise<Record<TemplateKey, Version>> {
	const versions = {} as Record<TemplateKey, Version>;
	for (const templateKey of templateKeys) {
		const id = await questionnaires.createFromTemplate(db, { schoolId, ownerId: null, personal: false, templateKey });
		const loaded = (await questionnaires.load(db, id))!;
		versions[templateKey] = { id: loaded.version.id, questions: loaded.questions };
	}
	return versions;
}

interface PlannedRound {
	profile: GroupProfile;
	groupId: string;
	teacherId: string;
	version: Version;
	openedAt: Date;
	closedAt: Date;
	progress: number;
}

/** One closed round: a ballot per pupil, their answers through applyBatch, then closed and dated. */
async function playRound(db: Database, random: Random, plan: PlannedRound): Promise<number> {
	const round = await rounds.open(db, { groupId: plan.groupId, versionId: plan.version.id, openedBy: plan.teacherId });
	const present = random.int(...plan.profile.size);
	const roundMood = random.normal() * 0.15;
	const issued = await ballots.issueMany(db, Array.from({ length: present }, () => round.id));
	const submissions: Submission[] = [];
	for (const ballot of issued) {
		if (!ballot) throw new Error('demo round closed before its pupils answered');
		const increments = toIncrements(plan.version.questions, simulatePupil(random, plan.profile, plan.version.questions, plan.progress, roundMood));
		if (!Array.isArray(increments)) throw new Error(`demo answers refused: ${increments.code}`);
		submissions.push({ roundId: round.id, ballotHash: hashToken(ballot), increments });
	}
	for (let i = 0; i < submissions.length; i += BATCH) {
		const outcomes = await applyBatch(db, submissions.slice(i, i + BATCH));
		if (outcomes.some((o) => o !== 'counted')) throw new Error('demo answers were not all counted');
	}
	await rounds.close(db, round.id);
	// Only for the demo's history: a real round's times are set by open and close, now.
	await db.update(roundRows).set({ openedAt: plan.openedAt, closedAt: plan.closedAt }).where(eq(roundRows.id, round.id));
	return present;
}

/** Fills a demo school; refuses a database with staff unless `forceNewSchool`. */
export async function seedDemo(db: Database, options: DemoOptions = {}): Promise<DemoResult> {
	if (!options.forceNewSchool && (await isComplete(db))) {
		throw new CliError('The database already has staff accounts; the demo only fills an empty one (add --force-new-school to add another demo school).');
	}
	const now = options.now ?? new Date();
	const random = createRandom(options.seed ?? DEMO_SEED);
	const { school, staff } = await createSchoolAndStaff(db, await freeSuffix(db));
	const admin = staff.find((s) => s.role === 'admin')!;
	const teachers = staff.filter((s) => s.role === 'teacher');
	const recoveryCodes = await totp.enable(db, admin.id, DEMO_TOTP_KEY, null, null);
	// School leaders need a second factor too (the school's default); the demo's one shares the key.
	for (const leader of staff.filter((s) => s.role === 'school_leader')) await totp.enable(db, leader.id, DEMO_TOTP_KEY, null, null);
	const versions = await schoolQuestionnaires(db, school.id);

	const start = historyStart(now);
	const span = now.getTime() - start.getTime();
	const plans: PlannedRound[] = [];
	const groupIds = new Map<string, string>();
	for (const profile of groupProfiles) {
		const groupId = (await groups.create(db, school.id, { name: profile.name, yearLevel: profile.yearLevel }))!;
		await groups.assignTeachers(db, groupId, [teachers[profile.teacher]!.id]);
		groupIds.set(profile.name, groupId);
		roundTimes(random, start, now).forEach((times, i) => {
			const version = versions[profile.cycle[i % profile.cycle.length]!];
			const progress = (times.openedAt.getTime() - start.getTime()) / span;
			plans.push({ profile, groupId, teacherId: teachers[profile.teacher]!.id, version, ...times, progress });
		});
	}
	plans.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());

	let submissions = 0;
	for (const [i, plan] of plans.entries()) {
		submissions += await playRound(db, random, plan);
		options.onProgress?.(i + 1, plans.length);
	}

	const lessonGroup = groupProfiles.find((p) => p.name === 'Groep 7')!;
	const open = await rounds.open(db, { groupId: groupIds.get(lessonGroup.name)!, versionId: versions.lesson_mirror.id, openedBy: teachers[lessonGroup.teacher]!.id });

	return {
		schoolName: school.name,
		logins: staff.map(({ email, role, name }) => ({
			email,
			role,
			name,
			groups: groupProfiles.filter((p) => role === 'teacher' && teachers[p.teacher]!.email === email).map((p) => p.name)
		})),
		recoveryCodes,
		closedRounds: plans.length,
		submissions,
		openRound: { groupName: lessonGroup.name, joinCode: open.joinCode }
	};
}

const roleNames: Record<StaffRole, string> = {
	admin: 'admin',
	school_leader: 'school leader',
	care_coordinator: 'care coordinator',
	teacher: 'teacher'
};

/** What the command prints: everything needed to log in and to join the open round. */
export function describeDemo(result: DemoResult, origin: string): string {
	const emailWidth = Math.max(...result.logins.map((l) => l.email.length));
	const nameWidth = Math.max(...result.logins.map((l) => l.name.length));
	const logins = result.logins.map((l) => {
		const extra = l.role === 'admin' || l.role === 'school_leader' ? ' (two-step verification, see below)' : l.groups.length ? ` of ${l.groups.join(', ')}` : '';
		return `  ${l.email.padEnd(emailWidth)}  ${l.name.padEnd(nameWidth)}  ${roleNames[l.role]}${extra}`;
	});
	return [
		`Demo school "${result.schoolName}": 5 groups, ${result.closedRounds} closed rounds with ${result.submissions} answers, 1 open round.`,
		'',
		`Log in at ${origin}/login with password ${DEMO_PASSWORD} (the same for all):`,
		...logins,
		'',
		`The admin and the school leader need an authenticator app: add the key ${DEMO_TOTP_KEY} (time-based, 6 digits);`,
		`each code works once. The admin may also use one of these single-use recovery codes: ${result.recoveryCodes.slice(0, 3).join(', ')}.`,
		'',
		`Open round of ${result.openRound.groupName}: join code ${result.openRound.joinCode}, ${origin}/r/${result.openRound.joinCode}`,
		'Start the server with npm start (with the embedded database, only after this command has finished).'
	].join('\n');
}
