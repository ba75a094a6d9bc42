import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Database } from '../../src/lib/server/db/client';
import { answerCounts, groups, memberships, questions, roundTallies, rounds, schools, users, type QuestionType } from '../../src/lib/server/db/schema';
import type { Actor } from '../../src/lib/server/policy';
import * as access from '../../src/lib/server/reporting/access';
import { dashboardCsv, type Dashboard } from '../../src/lib/server/reporting/dashboard';
import { currentSchoolYear, parsePeriod, TERMS, yearChoices, type PeriodChoice } from '../../src/lib/server/reporting/period';
import { roundResults, roundResultsCsv } from '../../src/lib/server/reporting/round-results';
import { trendsCsv } from '../../src/lib/server/reporting/trends-csv';
import { RESPONDENTS } from '../../src/lib/server/rounds/answers';
import { canWatch } from '../../src/lib/server/rounds/access';
import * as manage from '../../src/lib/server/rounds/manage';

/**
 * Every report a staff member can ask for, through the reporting domain the pages call, for the
 * S4 differencing test (tests/integration/s4-differencing.test.ts).
 */

export interface StaffActor extends Actor {
	email: string;
	role: string;
}

/** Every staff member of the school as the policy sees them (one role each in the demo). */
export async function staffOf(db: Database, schoolId: string): Promise<StaffActor[]> {
	const rows = await db
		.select({ id: users.id, email: users.email, role: memberships.role })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(eq(memberships.schoolId, schoolId))
		.orderBy(asc(users.email));
	return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, memberships: [{ schoolId, role: r.role }] }));
}

export interface RoundFact {
	id: string;
	groupId: string;
	groupName: string;
	openedAt: Date;
	closedAt: Date | null;
	n: number;
}

export async function roundsOf(db: Database, schoolId: string): Promise<RoundFact[]> {
	return db
		.select({ id: rounds.id, groupId: rounds.groupId, groupName: groups.name, openedAt: rounds.openedAt, closedAt: rounds.closedAt, n: roundTallies.n })
		.from(rounds)
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.where(eq(groups.schoolId, schoolId))
		.orderBy(asc(rounds.openedAt));
}

const DAY_MS = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
const choose = (query: string) => parsePeriod(new URL(`http://x/?${query}`));

/** A period and the rounds it covers (bit i: the i-th of `roundsOf`), by what period.ts says a period covers: rounds opened in it. */
export interface AskedPeriod {
	choice: PeriodChoice;
	covers: bigint;
}

/**
 * The periods a user can ask for: every school year the filter offers and every term of them,
 * the school years and terms holding rounds, and every custom range whose first and last days
 * are days on which a round opened or closed, or the day before or after. Custom ranges that
 * cover the same rounds are one report, so only the first of each is kept.
 */
export function askedPeriods(roundList: RoundFact[], now: Date): AskedPeriod[] {
	const covers = (choice: PeriodChoice) =>
		roundList.reduce((mask, r, i) => (r.openedAt >= choice.period.from && r.openedAt < choice.period.to ? mask | (1n << BigInt(i)) : mask), 0n);
	const years = new Set(yearChoices(now));
	for (const r of roundList) years.add(currentSchoolYear(r.openedAt));
	const fixed = [...years].flatMap((year) => [`year=${year}`, ...TERMS.map((term) => `year=${year}&term=${term}`)]).map(choose);

	const days = new Set<string>();
	for (const r of roundList) {
		for (const at of [r.openedAt, r.closedAt]) {
			if (at) for (const shift of [-1, 0, 1]) days.add(isoDay(at.getTime() + shift * DAY_MS));
		}
	}
	const ends = [...days].sort();
	const seen = new Set<bigint>();
	const custom: PeriodChoice[] = [];
	for (const [i, from] of ends.entries()) {
		for (const to of ends.slice(i)) {
			const choice = choose(`from=${from}&to=${to}`);
			const mask = covers(choice);
			if (seen.has(mask)) continue;
			seen.add(mask);
			custom.push(choice);
		}
	}
	return [...fixed, ...custom].map((choice) => ({ choice, covers: covers(choice) }));
}

/** Every report each staff member may see, by a key naming viewer, report and parameters. */
export async function collectViews(db: Database, schoolId: string, periods: AskedPeriod[]): Promise<Map<string, unknown>> {
	const views = new Map<string, unknown>();
	const roundList = await roundsOf(db, schoolId);
	const groupList = [...new Map(roundList.map((r) => [r.groupId, r.groupName])).entries()];
	for (const actor of await staffOf(db, schoolId)) {
		// The care coordinator sees the same school reports as the leader (reports.view_school): asked for the school years and terms only, to keep the run short.
		for (const { choice } of actor.role === 'care_coordinator' ? periods.filter((p) => p.choice.year !== null) : periods) {
			const dashboard = await access.dashboardFor(db, actor, schoolId, choice.period, 'nl');
			if (!dashboard) break;
			views.set(`${actor.role} dashboard ${choice.query}`, dashboard);
			views.set(`${actor.role} dashboard.csv ${choice.query}`, dashboardCsv(dashboard, 'nl'));
		}
		for (const [groupId, name] of groupList) {
			const trends = await access.trendsFor(db, actor, groupId, 'nl');
			if (!trends) continue;
			views.set(`${actor.email} trends ${name}`, trends.families);
			views.set(`${actor.email} trends.csv ${name}`, trendsCsv(trends.families, 'nl'));
			// Each closed round beside the one before it of the same questionnaire.
			const choices = (await access.comparisonFor(db, actor, groupId, {}, 'nl'))!.choices;
			for (const [i, a] of choices.entries()) {
				const b = choices.slice(i + 1).find((r) => r.questionnaireId === a.questionnaireId);
				if (b) views.set(`${actor.email} compare ${a.id} ${b.id}`, (await access.comparisonFor(db, actor, groupId, { a: a.id, b: b.id }, 'nl'))!.comparison);
			}
		}
		for (const r of roundList) {
			const round = await manage.roundForStaff(db, r.id);
			if (!round || !canWatch(actor, round)) continue;
			const results = (await roundResults(db, r.id, 'nl'))!;
			views.set(`${actor.email} results ${r.id}`, results);
			views.set(`${actor.email} results.csv ${r.id}`, roundResultsCsv(results));
		}
	}
	return views;
}

/** The figures of a dashboard that count submissions or answers (a difference of two is what it is made of). */
export function dashboardBases(dashboard: Dashboard): Map<string, number> {
	const bases = new Map<string, number>([['counted', dashboard.counted.n]]);
	for (const theme of dashboard.themes) {
		if (theme.school) bases.set(`${theme.key} school n`, theme.school.n);
		for (const row of theme.groups) if (row.n !== null) bases.set(`${theme.key} ${row.name} n`, row.n);
		for (const d of theme.distributions) bases.set(`${theme.key} ${d.type} answers`, d.answers);
	}
	return bases;
}

const otherChoices: Partial<Record<QuestionType, string[]>> = { rating10: ['0', '1'], single_choice: ['0', '1'], multiple_choice: ['0', '1'], one_word: ['anders', 'iets'] };

/**
 * Rewrites every answer the k rule withholds - each question of a round below k, and each
 * question answered by fewer than k - to other choices, keeping the round's n and the
 * question's respondents (both shown anyway). Returns the (round, question) units changed.
 */
export async function rewriteWithheldAnswers(db: Database, schoolId: string): Promise<Array<{ roundId: string; questionId: string }>> {
	const rows = await db
		.select({ roundId: answerCounts.roundId, questionId: answerCounts.questionId, choice: answerCounts.choice, n: answerCounts.n, type: questions.type, roundN: roundTallies.n, k: schools.minGroupSize })
		.from(answerCounts)
		.innerJoin(questions, eq(questions.id, answerCounts.questionId))
		.innerJoin(roundTallies, eq(roundTallies.roundId, answerCounts.roundId))
		.innerJoin(rounds, eq(rounds.id, answerCounts.roundId))
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.innerJoin(schools, eq(schools.id, groups.schoolId))
		.where(eq(schools.id, schoolId));
	const units = new Map<string, typeof rows>();
	for (const row of rows) units.set(`${row.roundId} ${row.questionId}`, [...(units.get(`${row.roundId} ${row.questionId}`) ?? []), row]);
	const changed = [];
	for (const unit of units.values()) {
		const { roundId, questionId, type, roundN, k } = unit[0]!;
		const marker = unit.find((r) => r.choice === RESPONDENTS);
		const choices = unit.filter((r) => r.choice !== RESPONDENTS);
		const respondents = marker?.n ?? choices.reduce((sum, r) => sum + r.n, 0);
		if (roundN >= k && respondents >= k) continue;
		const choice = (otherChoices[type] ?? ['1', '2']).find((c) => !(choices.length === 1 && choices[0]!.choice === c && choices[0]!.n === respondents))!;
		await db.transaction(async (tx) => {
			const unitRows = and(eq(answerCounts.roundId, roundId), eq(answerCounts.questionId, questionId), ne(answerCounts.choice, RESPONDENTS));
			await tx.delete(answerCounts).where(unitRows);
			await tx.insert(answerCounts).values({ roundId, questionId, choice, n: respondents });
		});
		changed.push({ roundId, questionId });
	}
	return changed;
}

/** The rounds of the named groups. */
export async function roundIdsOfGroups(db: Database, schoolId: string, names: string[]): Promise<string[]> {
	const rows = await db
		.select({ id: rounds.id })
		.from(rounds)
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.where(and(eq(groups.schoolId, schoolId), inArray(groups.name, names)));
	return rows.map((r) => r.id);
}
