import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { getLocale } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import * as access from '$lib/server/reporting/access';
import type { PageServerLoad } from './$types';

/** ?a=&b= name two rounds; anything that is not a round id is treated as not chosen. */
const picked = z.object({ a: z.uuid().optional().catch(undefined), b: z.uuid().optional().catch(undefined) });

/** Whoever may see the group (group.view) compares two of its closed rounds, each side under the k rule. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const query = picked.parse({ a: url.searchParams.get('a') || undefined, b: url.searchParams.get('b') || undefined });
	const report = await access.comparisonFor(database(), locals.user!, params.groupId, query, getLocale());
	if (!report) error(404, 'Not found');
	// Only the group's own rounds stay chosen, so the page never repeats another round's id.
	const own = (id?: string) => (report.choices.some((r) => r.id === id) ? id : undefined);
	return { ...report, picked: { a: own(query.a), b: own(query.b) } };
};
