import { error } from '@sveltejs/kit';
import { database } from '$lib/server/db';
import * as schools from '$lib/server/org/schools';
import { can, type Actor } from '$lib/server/policy';

/** The school if the actor may see it; anything else is "not found", so ids of other schools tell nothing. */
export async function visibleSchool(actor: Actor, schoolId: string) {
	const school = can(actor, 'school.view', { schoolId }) ? await schools.find(database(), schoolId) : null;
	if (!school) error(404, 'Not found');
	return school;
}
