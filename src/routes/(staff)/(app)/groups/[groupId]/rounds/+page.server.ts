import { error } from '@sveltejs/kit';
import { database } from '$lib/server/db';
import * as groups from '$lib/server/org/groups';
import { canRun, canWatch } from '$lib/server/rounds/access';
import * as manage from '$lib/server/rounds/manage';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const db = database();
	const group = await groups.find(db, params.groupId);
	if (!group || !canWatch(locals.user!, group)) error(404, 'Not found');
	const list = await manage.roundsOfGroup(db, group.id);
	return {
		group: { id: group.id, name: group.name },
		rounds: list.map((r) => ({
			id: r.id,
			joinCode: r.joinCode,
			openedAt: r.openedAt,
			closedAt: r.closedAt,
			open: r.open,
			titleNl: r.titleNl,
			titleEn: r.titleEn,
			n: r.n,
			cap: r.cap,
			tanOnly: r.tanOnly,
			liveResults: r.liveResults
		})),
		canRun: canRun(locals.user!, group)
	};
};
