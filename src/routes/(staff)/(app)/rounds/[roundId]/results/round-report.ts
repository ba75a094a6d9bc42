import { error } from '@sveltejs/kit';
import { database } from '$lib/server/db';
import type { Actor } from '$lib/server/policy';
import * as roundResults from '$lib/server/reporting/round-results';
import { canWatch } from '$lib/server/rounds/access';
import * as manage from '$lib/server/rounds/manage';

/**
 * A round's results for the results page and its projector view: whoever may watch the
 * round's group (canWatch), as far as the k rule allows (S4, S5); anyone else gets a 404.
 */
export async function roundReport(actor: Actor, roundId: string, locale: roundResults.Locale) {
	const db = database();
	const round = await manage.roundForStaff(db, roundId);
	if (!round || !canWatch(actor, round)) error(404, 'Not found');
	const results = await roundResults.roundResults(db, round.id, locale);
	if (!results) error(404, 'Not found');
	return {
		round: { id: round.id, openedAt: round.openedAt, titleNl: round.titleNl, titleEn: round.titleEn },
		group: { id: round.groupId, name: round.groupName },
		school: { name: round.schoolName },
		// Padding (issue 15): more answers than students means someone answered for others.
		padded: round.groupSize !== null && results.n > round.groupSize ? round.groupSize : null,
		results
	};
}
