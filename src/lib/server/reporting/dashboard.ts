import { and, asc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { groups, rounds, schools } from '../db/schema';
import { isId } from '../org/groups';
import { csvDocument, csvRow } from './csv';
import { isShown, suppressTotals } from './k-rule';
import type { DistributionItem, Locale } from './round-results';
import { scaleSteps } from './scale-labels';
import { oneDecimal, scaleChoices, scaleTypes, shownQuestions, themeName, type ScaleType } from './themes';

/**
 * The school dashboard: per theme, each group's n and score over the closed rounds opened in a
 * period, the school's, and the distribution of the school's answers per answer scale.
 * Everything is summed from `shownQuestions`, rounds and questions of at least k (S4); the
 * groups' parts go through `suppressTotals`; the distribution is a school total too, so it is
 * shown exactly when the school's total is, over the same rounds.
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

/**
 * The whole dashboard in one statement over the period's counters: per (group, theme, scale)
 * the respondents, the normalised sum and how many gave each value, with each round's n
 * counted once per theme (`roundsN`) and once overall (`schoolN`, `rounds`), all over the
 * same shown units. The marks are window functions over the units, which are few.
 */
function answerSums(db: Database, schoolId: string, period: Period) {
	const units = shownQuestions(db, and(eq(groups.schoolId, schoolId), gte(rounds.openedAt, period.from), lt(rounds.openedAt, period.to))!);
	const marked = db.$with('marked').as(
		db
			.with(units)
			.select({
				...units._.selectedFields,
				firstOfRoundTheme: sql<boolean>`row_number() over (partition by ${units.roundId}, ${units.theme}) = 1`.as('first_of_round_theme'),
				firstOfRound: sql<boolean>`row_number() over (partition by ${units.roundId}) = 1`.as('first_of_round')
			})
			.from(units)
	);
	const int = (value: SQL) => sql<number>`${value}::int`.mapWith(Number);
	const perChoice = Object.fromEntries(scaleChoices.map((c) => [c, int(sql`sum(${sql.identifier(`c${c}`)})`)])) as Record<(typeof scaleChoices)[number], SQL<number>>;
	return db
		.with(units, marked)
		.select({
			groupId: marked.groupId,
			theme: marked.theme,
			type: marked.type,
			answers: int(sql`sum(${marked.respondents})`),
			total: sql<number>`sum(${marked.total})::float8`.mapWith(Number),
			roundsN: int(sql`sum(case when ${marked.firstOfRoundTheme} then ${marked.roundN} else 0 end)`),
			schoolN: int(sql`sum(case when ${marked.firstOfRound} then ${marked.roundN} else 0 end)`),
			rounds: int(sql`sum(case when ${marked.firstOfRound} then 1 else 0 end)`),
			...perChoice
		})
		.from(marked)
		.groupBy(marked.groupId, marked.theme, marked.type);
}

type Sums = Awaited<ReturnType<typeof answerSums>>;

function distributions(rows: Sums, k: number, locale: Locale): SchoolDistribution[] {
	return scaleTypes.flatMap((type) => {
		const ofType = rows.filter((r) => r.type === type);
		const answers = ofType.reduce((sum, r) => sum + r.answers, 0);
		// Every unit holds k or more answers already; the check keeps the rule visible where it is applied.
		if (answers === 0 || !isShown(answers, k)) return [];
		const items = scaleSteps(type, locale).map(({ choice, label }) => {
			const n = ofType.reduce((sum, r) => sum + r[choice as (typeof scaleChoices)[number]], 0);
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
	const rows = await answerSums(db, schoolId, period);
	const add = (list: Sums, pick: (r: Sums[number]) => number) => list.reduce((sum, r) => sum + pick(r), 0);

	const keys = [...new Set(rows.map((r) => r.theme))].sort();
	return {
		k: school.k,
		counted: { rounds: add(rows, (r) => r.rounds), n: add(rows, (r) => r.schoolN) },
		themes: keys.map((key) => {
			const ofTheme = rows.filter((r) => r.theme === key);
			const parts = groupList.map((g) => {
				const own = ofTheme.filter((r) => r.groupId === g.id);
				return { groupId: g.id, name: g.name, n: add(own, (r) => r.roundsN), answers: add(own, (r) => r.answers), total: add(own, (r) => r.total) };
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
				distributions: shown.total ? distributions(ofTheme, school.k, locale) : []
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
