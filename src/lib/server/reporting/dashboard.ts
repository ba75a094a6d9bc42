import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { answerCounts, groups, rounds, schools } from '../db/schema';
import { isId } from '../org/groups';
import { csvDocument, csvRow } from './csv';
import { isShown, suppressTotals } from './k-rule';
import type { DistributionItem, Locale } from './round-results';
import { scaleSteps } from './scale-labels';
import { oneDecimal, roundThemes, scaleTypes, shownQuestions, themeName, type ScaleType } from './themes';

/**
 * The school dashboard: per theme, each group's n and score over the closed rounds opened in a
 * period, the school's, and the distribution of the school's answers per answer scale.
 * Everything is summed from `shownQuestions`, units of at least k (S4), and the groups' parts
 * go through `suppressTotals`; the distribution is a school total too, so it is shown exactly
 * when the school's total is, over the same rounds.
 */

export interface Period {
	/** Inclusive. */
	from: Date;
	/** Exclusive. */
	to: Date;
}

export interface DashboardRow {
	groupId: string;
	name: string;
	/** Null when suppressed: the page says "too few responses". */
	n: number | null;
	score: number | null;
}

/** How the school's answers to the theme's questions of one scale spread over its steps. */
export interface SchoolDistribution {
	type: ScaleType;
	/** Answers (one per student and question) it holds. */
	answers: number;
	items: DistributionItem[];
}

export interface DashboardTheme {
	key: string;
	name: string;
	groups: DashboardRow[];
	/** Null when complementary suppression hides the total. */
	school: { n: number; score: number } | null;
	/** Empty whenever `school` is null. */
	distributions: SchoolDistribution[];
}

export interface Dashboard {
	k: number;
	/** The rounds that count (closed, in the period, at least k) and their submissions. */
	counted: { rounds: number; n: number };
	themes: DashboardTheme[];
}

function inPeriod(schoolId: string, period: Period) {
	return and(eq(groups.schoolId, schoolId), gte(rounds.openedAt, period.from), lt(rounds.openedAt, period.to))!;
}

/** Per (group, theme): the n of the rounds that count and the sum of their normalised answers. */
async function groupScores(db: Database, schoolId: string, period: Period) {
	const perRound = roundThemes(db, inPeriod(schoolId, period));
	return db
		.with(perRound)
		.select({
			groupId: perRound.groupId,
			theme: perRound.theme,
			n: sql<number>`sum(${perRound.roundN})::int`.mapWith(Number),
			answers: sql<number>`sum(${perRound.answers})::float8`.mapWith(Number),
			total: sql<number>`sum(${perRound.total})::float8`.mapWith(Number)
		})
		.from(perRound)
		.groupBy(perRound.groupId, perRound.theme);
}

/** How many rounds count towards the dashboard, and their submissions (a count, shown like a round's n). */
async function countedRounds(db: Database, schoolId: string, period: Period) {
	const units = shownQuestions(db, inPeriod(schoolId, period));
	const perRound = db.$with('counted_rounds').as(db.with(units).selectDistinct({ roundId: units.roundId, roundN: units.roundN }).from(units));
	const [row] = await db
		.with(perRound)
		.select({ rounds: sql<number>`count(*)::int`.mapWith(Number), n: sql<number>`coalesce(sum(${perRound.roundN}), 0)::int`.mapWith(Number) })
		.from(perRound);
	return row ?? { rounds: 0, n: 0 };
}

/** Per (theme, scale, choice): how often it was answered, over the same units as the scores. */
async function choiceCounts(db: Database, schoolId: string, period: Period) {
	const units = shownQuestions(db, inPeriod(schoolId, period));
	return db
		.with(units)
		.select({ theme: units.theme, type: units.type, choice: answerCounts.choice, n: sql<number>`sum(${answerCounts.n})::int`.mapWith(Number) })
		.from(units)
		// The CTE's columns render unqualified, which answer_counts would make ambiguous.
		.innerJoin(answerCounts, sql`${answerCounts.roundId} = shown_questions.round_id and ${answerCounts.questionId} = shown_questions.question_id`)
		.groupBy(units.theme, units.type, answerCounts.choice);
}

function distributions(rows: Awaited<ReturnType<typeof choiceCounts>>, theme: string, k: number, locale: Locale): SchoolDistribution[] {
	return scaleTypes.flatMap((type) => {
		const counts = new Map(rows.filter((r) => r.theme === theme && r.type === type).map((r) => [r.choice, r.n]));
		const answers = [...counts.values()].reduce((sum, n) => sum + n, 0);
		// Every unit holds k or more answers already; the check keeps the rule visible where it is applied.
		if (answers === 0 || !isShown(answers, k)) return [];
		const items = scaleSteps(type, locale).map(({ choice, label }) => {
			const n = counts.get(choice) ?? 0;
			return { choice, label, n, share: oneDecimal((100 * n) / answers) };
		});
		return [{ type, answers, items }];
	});
}

/** Per theme, each group's n and score over the closed rounds opened in the period, and the school's. */
export async function schoolDashboard(db: Database, schoolId: string, period: Period, locale: Locale): Promise<Dashboard | null> {
	if (!isId(schoolId)) return null;
	const [school] = await db.select({ k: schools.minGroupSize }).from(schools).where(eq(schools.id, schoolId));
	if (!school) return null;
	const groupList = await db
		.select({ id: groups.id, name: groups.name })
		.from(groups)
		.where(eq(groups.schoolId, schoolId))
		.orderBy(asc(groups.yearLevel), asc(groups.name));
	const [rows, choices, counted] = await Promise.all([
		groupScores(db, schoolId, period),
		choiceCounts(db, schoolId, period),
		countedRounds(db, schoolId, period)
	]);

	const keys = [...new Set(rows.map((r) => r.theme))].sort();
	return {
		k: school.k,
		counted,
		themes: keys.map((key) => {
			const parts = groupList.map((g) => {
				const row = rows.find((r) => r.groupId === g.id && r.theme === key);
				return { groupId: g.id, name: g.name, n: row?.n ?? 0, answers: row?.answers ?? 0, total: row?.total ?? 0 };
			});
			const sum = (pick: (p: (typeof parts)[number]) => number) => parts.reduce((s, p) => s + pick(p), 0);
			const whole = { n: sum((p) => p.n), answers: sum((p) => p.answers), total: sum((p) => p.total) };
			const shown = suppressTotals(whole, parts, school.k);
			const visible = new Set(shown.parts.map((p) => p.groupId));
			return {
				key,
				name: themeName(key, locale),
				groups: parts.map((p) =>
					visible.has(p.groupId)
						? { groupId: p.groupId, name: p.name, n: p.n, score: oneDecimal(p.total / p.answers) }
						: { groupId: p.groupId, name: p.name, n: null, score: null }
				),
				school: shown.total ? { n: whole.n, score: oneDecimal(whole.total / whole.answers) } : null,
				distributions: shown.total ? distributions(choices, key, school.k, locale) : []
			};
		})
	};
}

/**
 * The dashboard as CSV, made from `Dashboard` only: suppressed groups and totals are left out.
 * Two blocks: the scores per group and school, then the school's distributions.
 */
export function dashboardCsv(dashboard: Dashboard, locale: Locale): string {
	const wholeSchool = locale === 'en' ? 'Whole school' : 'Hele school';
	const lines = [csvRow(['theme', 'group', 'n', 'score'])];
	for (const theme of dashboard.themes) {
		for (const row of theme.groups) if (row.n !== null && row.score !== null) lines.push(csvRow([theme.name, row.name, row.n, row.score]));
		if (theme.school) lines.push(csvRow([theme.name, wholeSchool, theme.school.n, theme.school.score]));
	}
	lines.push('', csvRow(['theme', 'scale', 'choice', 'label', 'n', 'share_percent']));
	for (const theme of dashboard.themes) {
		for (const d of theme.distributions) for (const item of d.items) lines.push(csvRow([theme.name, d.type, item.choice, item.label, item.n, item.share]));
	}
	lines.push(
		locale === 'en'
			? `# Groups and totals with too few responses (fewer than ${dashboard.k}) are left out.`
			: `# Groepen en totalen met te weinig antwoorden (minder dan ${dashboard.k}) zijn weggelaten.`
	);
	return csvDocument(lines);
}
