import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import * as access from '$lib/server/reporting/access';
import { trendsCsv } from '$lib/server/reporting/trends-csv';
import type { RequestHandler } from './$types';

/** The trends page as CSV: the same domain result, so the same suppression (S4). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const locale = getLocale();
	const trends = await access.trendsFor(database(), locals.user!, params.groupId, locale);
	if (!trends) error(404, 'Not found');
	return new Response(trendsCsv(trends.families, locale), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="lesspiegel-trends.csv"`,
			'Cache-Control': 'no-store'
		}
	});
};
