import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import * as access from '$lib/server/reporting/access';
import type { PageServerLoad } from './$types';

/** Whoever may see the group (group.view) sees its trends, as far as the k rule allows. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const trends = await access.trendsFor(database(), locals.user!, params.groupId, getLocale());
	if (!trends) error(404, 'Not found');
	return trends;
};
