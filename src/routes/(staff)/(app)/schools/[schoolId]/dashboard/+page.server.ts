import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import * as access from '$lib/server/reporting/access';
import { visibleSchool } from '../visible-school';
import { parsePeriod, TERMS, yearChoices } from '$lib/server/reporting/period';
import type { PageServerLoad } from './$types';

/** School leaders and care coordinators (reports.view_school); anyone else gets a 404. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const school = await visibleSchool(locals.user!, params.schoolId);
	const choice = parsePeriod(url);
	const dashboard = await access.dashboardFor(database(), locals.user!, school.id, choice.period, getLocale());
	if (!dashboard) error(404, 'Not found');
	return {
		school: { id: school.id, name: school.name },
		period: { year: choice.year, term: choice.term, from: choice.from, to: choice.to, invalid: choice.invalid, query: choice.query },
		years: yearChoices(),
		terms: [...TERMS],
		dashboard
	};
};
