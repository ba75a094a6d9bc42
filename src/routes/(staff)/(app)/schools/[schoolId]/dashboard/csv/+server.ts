import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import * as access from '$lib/server/reporting/access';
import { dashboardCsv } from '$lib/server/reporting/dashboard';
import { parsePeriod } from '$lib/server/reporting/period';
import type { RequestHandler } from './$types';

/** The dashboard as CSV: the same domain result, so the same suppression (S4, S5). */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const choice = parsePeriod(url);
	const locale = getLocale();
	const dashboard = await access.dashboardFor(database(), locals.user!, params.schoolId, choice.period, locale);
	if (!dashboard) error(404, 'Not found');
	return new Response(dashboardCsv(dashboard, locale), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="lesspiegel-dashboard-${choice.from}-${choice.to}.csv"`,
			'Cache-Control': 'no-store'
		}
	});
};
