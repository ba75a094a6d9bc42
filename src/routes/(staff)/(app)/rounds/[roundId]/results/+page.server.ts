import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import * as roundResults from '$lib/server/reporting/round-results';
import { canWatch } from '$lib/server/rounds/access';
import * as manage from '$lib/server/rounds/manage';
import type { PageServerLoad } from './$types';

/** Whoever may watch the round's group sees its results, as far as the k rule allows (S4, S5). */
export const load: PageServerLoad = async ({ locals, params }) => {
	const db = database();
	const round = await manage.roundForStaff(db, params.roundId);
	if (!round || !canWatch(locals.user!, round)) error(404, 'Not found');
	const results = await roundResults.roundResults(db, round.id, getLocale());
	if (!results) error(404, 'Not found');
	return {
		round: { id: round.id, openedAt: round.openedAt, titleNl: round.titleNl, titleEn: round.titleEn },
		group: { id: round.groupId, name: round.groupName },
		school: { name: round.schoolName },
		results
	};
};
