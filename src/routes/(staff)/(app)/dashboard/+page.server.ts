import { database } from '$lib/server/db';
import * as groups from '$lib/server/org/groups';
import * as schools from '$lib/server/org/schools';
import { can } from '$lib/server/policy';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const actor = locals.user!;
	const db = database();
	const mine = await schools.listForActor(db, actor);
	return {
		canCreateSchool: can(actor, 'school.create'),
		schools: await Promise.all(
			mine.map(async (school) => ({
				...school,
				groups: await groups.listVisible(db, actor, school.id),
				canView: can(actor, 'school.view', { schoolId: school.id })
			}))
		)
	};
};
