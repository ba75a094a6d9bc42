import { and, asc, eq, gte, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { answerCounts, groups, questionnaireVersions, questions, roundTallies, rounds, schools } from '../db/schema';
import { themes } from '../questionnaires/templates';
import { isId } from '../org/groups';
import { suppressTotals } from './k-rule';
import type { Locale } from './round-results';

/**
 * Theme scores (0-100) for a group over time and for a school, with PRIVACY.md S4 and S5 applied
 * here. Only closed rounds count (S5). A round below k, and a question of a round answered by
 * fewer than k, is left out of every score and every n here - not just hidden - so no total
 * over rounds or groups can be subtracted back to it; what remains is complementary-suppressed
 * with `suppressTotals` for the school's total over its groups.
 */

const scaleTypes = ['agree5', 'smiley3', 'smiley5', 'rating10'] as const;
const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/** Same meaning of "closed" as round-results: closed by hand, or past its closing time. */
const closed = or(isNotNull(rounds.closedAt), and(isNotNull(rounds.closesAt), sql`${rounds.closesAt} <= now()`))!;

/** An answer's value on 0-100: agree5/smiley5 (v-1)/4, smiley3 (v-1)/2, rating10 v/10. */
const normalised = sql`case ${questions.type}
	when 'rating10' then ${answerCounts.choice}::float8 * 10
	when 'smiley3' then (${answerCounts.choice}::float8 - 1) * 50
	else (${answerCounts.choice}::float8 - 1) * 25 end`;

/**
 * Per shown (round, theme): the round's n, the number of scale answers and their normalised sum.
 * One query shape for trends and dashboard; `where` picks the rounds.
 */
function roundThemes(db: Database, where: SQL) {
	const perQuestion = db.$with('per_question').as(
		db
			.select({
				groupId: sql<string>`${rounds.groupId}`.as('group_id'),
				roundId: sql<string>`${rounds.id}`.as('round_id'),
				roundN: sql<number>`${roundTallies.n}`.as('round_n'),
				k: sql<number>`${schools.minGroupSize}`.as('k'),
				theme: sql<string>`${questions.theme}`.as('theme'),
				respondents: sql<number>`sum(${answerCounts.n})`.as('respondents'),
				total: sql<number>`sum(${normalised} * ${answerCounts.n})`.as('total')
			})
			.from(answerCounts)
			.innerJoin(questions, eq(questions.id, answerCounts.questionId))
			.innerJoin(rounds, eq(rounds.id, answerCounts.roundId))
			.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
			.innerJoin(groups, eq(groups.id, rounds.groupId))
			.innerJoin(schools, eq(schools.id, groups.schoolId))
			.where(and(where, closed, isNotNull(questions.theme), inArray(questions.type, [...scaleTypes])))
			.groupBy(rounds.groupId, rounds.id, roundTallies.n, schools.minGroupSize, questions.id, questions.theme)
	);
	const perRound = db.$with('per_round').as(
		db
			.with(perQuestion)
			.select({
				groupId: perQuestion.groupId,
				roundId: perQuestion.roundId,
				roundN: perQuestion.roundN,
				theme: perQuestion.theme,
				answers: sql<number>`sum(${perQuestion.respondents})`.as('answers'),
				total: sql<number>`sum(${perQuestion.total})`.as('total_sum')
			})
			.from(perQuestion)
			// S4: only rounds, and questions within them, of at least k.
			.where(and(gte(perQuestion.roundN, perQuestion.k), gte(perQuestion.respondents, perQuestion.k)))
			.groupBy(perQuestion.groupId, perQuestion.roundId, perQuestion.roundN, perQuestion.theme)
	);
	return perRound;
}

function themeName(key: string, locale: Locale): string {
	return (themes as Record<string, { nl: string; en: string }>)[key]?.[locale] ?? key;
}

export interface TrendRound {
	id: string;
	openedAt: Date;
	n: number;
	/** Theme key -> score 0-100 (1 decimal), or null when suppressed or not asked. */
	scores: Record<string, number | null>;
}

export interface TrendFamily {
	questionnaireId: string;
	title: string;
	themes: Array<{ key: string; name: string }>;
	rounds: TrendRound[];
}

/** Per questionnaire family, the group's closed rounds in date order with their theme scores. */
export async function groupTrends(db: Database, groupId: string, locale: Locale): Promise<TrendFamily[]> {
	if (!isId(groupId)) return [];
	const list = await db
		.select({
			id: rounds.id,
			openedAt: rounds.openedAt,
			n: roundTallies.n,
			questionnaireId: questionnaireVersions.questionnaireId,
			titleNl: questionnaireVersions.titleNl,
			titleEn: questionnaireVersions.titleEn
		})
		.from(rounds)
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.innerJoin(questionnaireVersions, eq(questionnaireVersions.id, rounds.versionId))
		.where(and(eq(rounds.groupId, groupId), closed))
		.orderBy(asc(rounds.openedAt));
	const perRound = roundThemes(db, eq(rounds.groupId, groupId));
	const scored = await db
		.with(perRound)
		.select({ roundId: perRound.roundId, theme: perRound.theme, answers: perRound.answers, total: perRound.total })
		.from(perRound);
	const byRound = new Map<string, Record<string, number>>();
	for (const row of scored) {
		const scores = byRound.get(row.roundId) ?? {};
		scores[row.theme] = oneDecimal(Number(row.total) / Number(row.answers));
		byRound.set(row.roundId, scores);
	}

	const families = new Map<string, TrendFamily>();
	for (const round of list) {
		const family = families.get(round.questionnaireId) ?? { questionnaireId: round.questionnaireId, title: '', themes: [], rounds: [] };
		// The latest version's title names the family.
		family.title = locale === 'en' ? round.titleEn : round.titleNl;
		family.rounds.push({ id: round.id, openedAt: round.openedAt, n: round.n, scores: byRound.get(round.id) ?? {} });
		families.set(round.questionnaireId, family);
	}
	for (const family of families.values()) {
		const keys = [...new Set(family.rounds.flatMap((r) => Object.keys(r.scores)))].sort();
		family.themes = keys.map((key) => ({ key, name: themeName(key, locale) }));
		family.rounds = family.rounds.map((r) => ({ ...r, scores: Object.fromEntries(keys.map((key) => [key, r.scores[key] ?? null])) }));
	}
	return [...families.values()];
}

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

export interface DashboardTheme {
	key: string;
	name: string;
	groups: DashboardRow[];
	/** Null when complementary suppression hides the total. */
	school: { n: number; score: number } | null;
}

export interface Dashboard {
	k: number;
	themes: DashboardTheme[];
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

	const perRound = roundThemes(db, and(eq(groups.schoolId, schoolId), gte(rounds.openedAt, period.from), lt(rounds.openedAt, period.to))!);
	const rows = await db
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

	const keys = [...new Set(rows.map((r) => r.theme))].sort();
	return {
		k: school.k,
		themes: keys.map((key) => {
			const parts = groupList.map((g) => {
				const row = rows.find((r) => r.groupId === g.id && r.theme === key);
				return { groupId: g.id, name: g.name, n: row?.n ?? 0, answers: row?.answers ?? 0, total: row?.total ?? 0 };
			});
			const sum = (list: typeof parts, pick: (p: (typeof parts)[number]) => number) => list.reduce((s, p) => s + pick(p), 0);
			const whole = { n: sum(parts, (p) => p.n), answers: sum(parts, (p) => p.answers), total: sum(parts, (p) => p.total) };
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
				school: shown.total ? { n: whole.n, score: oneDecimal(whole.total / whole.answers) } : null
			};
		})
	};
}

/** A CSV field; text a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote. */
function field(value: string | number): string {
	if (typeof value === 'number') return String(value);
	const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The dashboard as CSV, made from `Dashboard` only: suppressed groups and totals are left out. */
export function dashboardCsv(dashboard: Dashboard, locale: Locale): string {
	const lines = [['theme', 'group', 'n', 'score'].join(',')];
	for (const theme of dashboard.themes) {
		for (const row of theme.groups) if (row.n !== null && row.score !== null) lines.push([theme.name, row.name, row.n, row.score].map(field).join(','));
		if (theme.school) lines.push([theme.name, locale === 'en' ? 'Whole school' : 'Hele school', theme.school.n, theme.school.score].map(field).join(','));
	}
	lines.push(
		locale === 'en'
			? `# Groups and totals with too few responses (fewer than ${dashboard.k}) are left out.`
			: `# Groepen en totalen met te weinig antwoorden (minder dan ${dashboard.k}) zijn weggelaten.`
	);
	return `${lines.join('\r\n')}\r\n`;
}
