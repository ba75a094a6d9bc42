import { z } from 'zod';
import type { Period } from '$lib/server/reporting/themes';

/** Dutch school years run from 1 August to 31 July. */
const FIRST_MONTH = 7;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date').refine((v) => !Number.isNaN(Date.parse(v)), 'date');
const query = z.union([
	z.object({ from: day, to: day }).refine((v) => v.from <= v.to, { message: 'date_order', path: ['to'] }),
	z.object({ year: z.coerce.number().int().min(2000).max(2100) })
]);

export interface PeriodChoice {
	period: Period;
	/** The school year's first calendar year, when a school year was chosen. */
	year: number | null;
	from: string;
	/** Inclusive, as the form shows it. */
	to: string;
	invalid: boolean;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

function schoolYear(year: number): PeriodChoice {
	const from = new Date(Date.UTC(year, FIRST_MONTH, 1));
	const to = new Date(Date.UTC(year + 1, FIRST_MONTH, 1));
	return { period: { from, to }, year, from: isoDay(from), to: isoDay(new Date(to.getTime() - 86_400_000)), invalid: false };
}

/** The period of the GET form (?year= or ?from=&to=); the current school year when absent or invalid. */
export function parsePeriod(url: URL, now = new Date()): PeriodChoice {
	const current = now.getUTCMonth() >= FIRST_MONTH ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
	const params = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''));
	if (Object.keys(params).length === 0) return schoolYear(current);
	const parsed = query.safeParse(params);
	if (!parsed.success) return { ...schoolYear(current), invalid: true };
	if ('year' in parsed.data) return schoolYear(parsed.data.year);
	const { from, to } = parsed.data;
	const end = new Date(`${to}T00:00:00Z`);
	return { period: { from: new Date(`${from}T00:00:00Z`), to: new Date(end.getTime() + 86_400_000) }, year: null, from, to, invalid: false };
}

/** The school years a user can pick: the current one and the four before it. */
export function yearChoices(now = new Date()): number[] {
	const current = now.getUTCMonth() >= FIRST_MONTH ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
	return [0, 1, 2, 3, 4].map((i) => current - i);
}
