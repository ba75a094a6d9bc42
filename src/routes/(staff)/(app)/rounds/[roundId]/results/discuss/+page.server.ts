import { z } from 'zod';
import { getLocale } from '$lib/paraglide/runtime';
import { roundReport } from '../round-report';
import type { PageServerLoad } from './$types';

/** ?q= is the question shown (1-based); anything else shows the first. */
const question = z.coerce.number().int().min(1).catch(1);

/** The projector view of the results page: the same results, one question at a time. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const report = await roundReport(locals.user!, params.roundId, getLocale());
	const count = report.results.questions.length;
	return { ...report, index: Math.min(question.parse(url.searchParams.get('q') ?? 1), Math.max(count, 1)) - 1 };
};
