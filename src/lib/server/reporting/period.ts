import { z } from 'zod';
import type { Period } from './dashboard';

/**
 * The periods a report can cover: a school year, a term of one, or custom dates.
 *
 * Dutch school years run from 1 August to 31 July. Schools divide them differently (two report
 * periods in primary, three or four "periodes" in secondary), so we use one plain definition
 * of three terms of four months each, which a school can always refine with custom dates:
 * term 1 August-November, term 2 December-March, term 3 April-July.
 */
const FIRST_MONTH = 7;
/** Months after August at which each term starts (and the last one ends). */
const TERM_STARTS = [0, 4, 8, 12] as const;
export const TERMS = [1, 2, 3] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date').refine((v) => !Number.isNaN(Date.parse(v)), 'date');
const schoolYearParam = z.coerce.number().int().min(2000).max(2100);
const query = z.union([
	z.object({ from: day, to: day }).strict().refine((v) => v.from <= v.to, { message: 'date_order', path: ['to'] }),
	z.object({ year: schoolYearParam, term: z.coerce.number().int().min(1).max(3).optional() }).strict()
]);

export interface PeriodChoice {
	period: Period;
	/** The school year's first calendar year, when a school year or a term was chosen. */
	year: number | null;
	/** 1-3 when a term was chosen. */
	term: number | null;
	from: string;
	/** Inclusive, as the form shows it. */
	to: string;
	invalid: boolean;
	/** The query string that chooses this period again (for the CSV link). */
	query: string;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

function choice(period: Period, year: number | null, term: number | null, query: string): PeriodChoice {
	return { period, year, term, from: isoDay(period.from), to: isoDay(new Date(period.to.getTime() - DAY_MS)), invalid: false, query };
}

function schoolYear(year: number, term: number | null = null): PeriodChoice {
	const [start, end] = term === null ? [0, 12] : [TERM_STARTS[term - 1]!, TERM_STARTS[term]!];
	const period = { from: new Date(Date.UTC(year, FIRST_MONTH + start, 1)), to: new Date(Date.UTC(year, FIRST_MONTH + end, 1)) };
	return choice(period, year, term, term === null ? `year=${year}` : `year=${year}&term=${term}`);
}

export function currentSchoolYear(now = new Date()): number {
	return now.getUTCMonth() >= FIRST_MONTH ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
}

/** The period of the GET form (?year=[&term=] or ?from=&to=); the current school year when absent or invalid. */
export function parsePeriod(url: URL, now = new Date()): PeriodChoice {
	const params = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''));
	if (Object.keys(params).length === 0) return schoolYear(currentSchoolYear(now));
	const parsed = query.safeParse(params);
	if (!parsed.success) return { ...schoolYear(currentSchoolYear(now)), invalid: true };
	if ('year' in parsed.data) return schoolYear(parsed.data.year, parsed.data.term ?? null);
	const { from, to } = parsed.data;
	const period = { from: new Date(`${from}T00:00:00Z`), to: new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS) };
	return choice(period, null, null, `from=${from}&to=${to}`);
}

/** The school years a user can pick: the current one and the four before it. */
export function yearChoices(now = new Date()): number[] {
	const current = currentSchoolYear(now);
	return [0, 1, 2, 3, 4].map((i) => current - i);
}
