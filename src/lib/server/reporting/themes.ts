import { and, asc, eq, gte, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { alias } from 'drizzle-orm/pg-core';
import { answerCounts, groups, publishedCounts, questionnaireVersions, questions, roundTallies, rounds, schools } from '../db/schema';
import { themes } from '../questionnaires/templates';
import { isId } from '../org/groups';
import type { Locale } from './round-results';

/**
 * Theme scores (0-100) for a group over time, and the units every theme report - also the
 * school dashboard (dashboard.ts) - is summed from, with PRIVACY.md S4 and S5 applied here.
 * Only closed rounds count (S5). A round below k, and a question of a round answered by fewer
 * than k, is left out of every score and every n - not just hidden - so no total over rounds
 * or groups can be subtracted back to it.
 */

export const scaleTypes = ['agree5', 'smiley3', 'smiley5', 'rating10'] as const;
export type ScaleType = (typeof scaleTypes)[number];
export const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/** Same meaning of "closed" as round-results: closed by hand, or past its closing time. */
const closed = or(isNotNull(rounds.closedAt), and(isNotNull(rounds.closesAt), sql`${rounds.closesAt} <= now()`))!;

/** An answer's value on 0-100: agree5/smiley5 (v-1)/4, smiley3 (v-1)/2, rating10 v/10. */
const normalised = sql`case ${questions.type}
	when 'rating10' then ${answerCounts.choice}::float8 * 10
	when 'smiley3' then (${answerCounts.choice}::float8 - 1) * 50
	else (${answerCounts.choice}::float8 - 1) * 25 end`;

/** Every value a scale question counts: 0-10 for ratings, 1-5 or 1-3 for the others. */
export const scaleChoices = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;

/**
 * The units every theme report is summed from: per closed (round, scale question with a theme),
 * its respondents, the normalised sum of their answers and how many gave each value, for
 * rounds and questions of at least k only (S4): a unit below k is left out of every score, n
 * and distribution, not just hidden, so no sum over rounds or groups can be subtracted back
 * to it. One hash aggregation over the counters; `where` picks the rounds.
 */
export function shownQuestions(db: Database, where: SQL) {
	// A round that keeps its live snapshot (round-results.ts `keptSnapshot`: a closed round with
	// published counts) counts as the snapshot, here as on its page. Joined rather than asked per
	// row: the counts below use `n` thirteen times a row.
	const kept = db.selectDistinct({ roundId: publishedCounts.roundId }).from(publishedCounts).as('kept');
	const snapshot = alias(publishedCounts, 'snapshot');
	const n = sql<number>`case when ${kept.roundId} is null then ${answerCounts.n} else coalesce(${snapshot.n}, 0) end`;
	const roundN = sql<number>`case when ${kept.roundId} is null then ${roundTallies.n} else ${roundTallies.publishedN} end`;
	const perChoice = Object.fromEntries(
		scaleChoices.map((c) => [`c${c}`, sql<number>`coalesce(sum(${n}) filter (where ${answerCounts.choice} = ${c}), 0)`.as(`c${c}`)])
	) as Record<`c${(typeof scaleChoices)[number]}`, SQL.Aliased<number>>;
	return db.$with('shown_questions').as(
		db
			.select({
				groupId: sql<string>`${rounds.groupId}`.as('group_id'),
				roundId: sql<string>`${rounds.id}`.as('round_id'),
				roundN: roundN.as('round_n'),
				type: sql<ScaleType>`${questions.type}`.as('type'),
				theme: sql<string>`${questions.theme}`.as('theme'),
				respondents: sql<number>`sum(${n})`.as('respondents'),
				total: sql<number>`sum(${normalised} * ${n})`.as('total'),
				...perChoice
			})
			.from(answerCounts)
			.innerJoin(questions, eq(questions.id, answerCounts.questionId))
			.innerJoin(rounds, eq(rounds.id, answerCounts.roundId))
			.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
			.innerJoin(groups, eq(groups.id, rounds.groupId))
			.innerJoin(schools, eq(schools.id, groups.schoolId))
			.leftJoin(kept, eq(kept.roundId, rounds.id))
			.leftJoin(
				snapshot,
				and(eq(snapshot.roundId, answerCounts.roundId), eq(snapshot.questionId, answerCounts.questionId), eq(snapshot.choice, answerCounts.choice))
			)
			// Randomized-response questions (issue 15) count nowhere here: their counters are noisy
			// on purpose, and summed as they are they would pull every theme towards the middle.
			.where(and(where, closed, isNotNull(questions.theme), inArray(questions.type, [...scaleTypes]), eq(questions.randomized, false)))
			.groupBy(rounds.groupId, rounds.id, roundTallies.n, roundTallies.publishedN, kept.roundId, schools.minGroupSize, questions.id, questions.type, questions.theme)
			.having(and(gte(roundN, schools.minGroupSize), gte(sql`sum(${n})`, schools.minGroupSize)))
	);
}

export function themeName(key: string, locale: Locale): string {
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

export interface ClosedRound {
	id: string;
	openedAt: Date;
	n: number;
	questionnaireId: string;
	/** The title of the version the round used. */
	title: string;
}

/** A group's closed rounds, oldest first, with their questionnaire family. Callers check group.view. */
export async function closedRounds(db: Database, groupId: string, locale: Locale): Promise<ClosedRound[]> {
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
	return list.map(({ titleNl, titleEn, ...round }) => ({ ...round, title: locale === 'en' ? titleEn : titleNl }));
}

/** Per questionnaire family, the group's closed rounds in date order with their theme scores. */
export async function groupTrends(db: Database, groupId: string, locale: Locale): Promise<TrendFamily[]> {
	if (!isId(groupId)) return [];
	const list = await closedRounds(db, groupId, locale);
	const units = shownQuestions(db, eq(rounds.groupId, groupId));
	const scored = await db
		.with(units)
		.select({ roundId: units.roundId, theme: units.theme, answers: sql<number>`sum(${units.respondents})`, total: sql<number>`sum(${units.total})` })
		.from(units)
		.groupBy(units.roundId, units.theme);
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
		family.title = round.title;
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
