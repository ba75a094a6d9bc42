import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import * as roundResults from '$lib/server/reporting/round-results';
import { canWatch } from '$lib/server/rounds/access';
import * as manage from '$lib/server/rounds/manage';
import type { RequestHandler } from './$types';

/** The results page as CSV: the same domain result, so the same suppression (S4, S5, S7). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const db = database();
	const round = await manage.roundForStaff(db, params.roundId);
	if (!round || !canWatch(locals.user!, round)) error(404, 'Not found');
	const results = await roundResults.roundResults(db, round.id, getLocale());
	if (!results) error(404, 'Not found');
	const day = round.openedAt.toISOString().slice(0, 10);
	return new Response(roundResults.roundResultsCsv(results), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="lesspiegel-results-${day}.csv"`,
			'Cache-Control': 'no-store'
		}
	});
};
