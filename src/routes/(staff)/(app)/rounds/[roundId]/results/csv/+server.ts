import { getLocale } from '$lib/paraglide/runtime';
import { roundResultsCsv } from '$lib/server/reporting/round-results';
import { roundReport } from '../round-report';
import type { RequestHandler } from './$types';

/** The results page as CSV: the same domain result, so the same suppression (S4, S5, S7). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const report = await roundReport(locals.user!, params.roundId, getLocale());
	const day = report.round.openedAt.toISOString().slice(0, 10);
	return new Response(roundResultsCsv(report.results), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="lesspiegel-results-${day}.csv"`,
			'Cache-Control': 'no-store'
		}
	});
};
