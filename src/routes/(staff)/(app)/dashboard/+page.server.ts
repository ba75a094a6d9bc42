import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { parseForm } from '$lib/server/http/form';
import * as groups from '$lib/server/org/groups';
import * as schools from '$lib/server/org/schools';
import { can, type Actor } from '$lib/server/policy';
import { canRun } from '$lib/server/rounds/access';
import * as manage from '$lib/server/rounds/manage';
import * as quickStart from '$lib/server/rounds/quick-start';
import * as rounds from '$lib/server/rounds/rounds';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const actor = locals.user!;
	const db = database();
	const mine = await schools.listForActor(db, actor);
	return {
		canCreateSchool: can(actor, 'school.create'),
		schools: await Promise.all(
			mine.map(async (school) => {
				const visible = await groups.listVisible(db, actor, school.id);
				const ids = visible.map((g) => g.id);
				const [open, teachers] = [await quickStart.openRoundsOf(db, ids), await groups.teacherIdsOf(db, ids)];
				const withRights = visible.map((group) => ({
					...group,
					openRound: open.get(group.id) ?? null,
					canRun: canRun(actor, { schoolId: school.id, teacherIds: teachers.get(group.id) ?? [] })
				}));
				return { ...school, groups: withRights, canView: can(actor, 'school.view', { schoolId: school.id }) };
			})
		)
	};
};

const groupForm = z.object({ groupId: z.string().refine(groups.isId) });
const roundForm = z.object({ roundId: z.string().refine(groups.isId) });

/** The group named by the form, when the actor may run its rounds; a 404 otherwise. */
async function runnableGroup(actor: Actor, form: FormData) {
	const parsed = parseForm(groupForm, form);
	const group = parsed.data ? await groups.find(database(), parsed.data.groupId) : null;
	if (!group || !canRun(actor, group)) error(404, 'Not found');
	return group;
}

export const actions: Actions = {
	/** A round in one step, to the projector; with no questionnaire to choose, the full new-round page says why. */
	start: async ({ locals, request }) => {
		const actor = locals.user!;
		const group = await runnableGroup(actor, await request.formData());
		const roundId = await quickStart.openOrStart(database(), actor.id, group);
		redirect(303, localizeHref(roundId ? `/rounds/${roundId}` : `/groups/${group.id}/rounds/new`));
	},
	close: async ({ locals, request }) => {
		const parsed = parseForm(roundForm, await request.formData());
		const db = database();
		const round = parsed.data ? await manage.roundForStaff(db, parsed.data.roundId) : null;
		if (!round || !canRun(locals.user!, round)) error(404, 'Not found');
		await rounds.close(db, round.id);
		redirect(303, localizeHref('/dashboard'));
	}
};
