import { error, fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { parseForm, type FieldErrors } from '$lib/server/http/form';
import * as groups from '$lib/server/org/groups';
import { can } from '$lib/server/policy';
import { groupForm } from '../../../groups/group-form';
import { visibleSchool } from '../visible-school';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = locals.user!;
	const school = await visibleSchool(actor, params.schoolId);
	return {
		school,
		groups: await groups.listVisible(database(), actor, school.id),
		seesAll: can(actor, 'groups.view_all', { schoolId: school.id }),
		canManage: can(actor, 'groups.manage', { schoolId: school.id })
	};
};

export const actions: Actions = {
	create: async ({ locals, params, request }) => {
		const school = await visibleSchool(locals.user!, params.schoolId);
		if (!can(locals.user!, 'groups.manage', { schoolId: school.id })) error(404, 'Not found');
		const form = await request.formData();
		const values = { name: form.get('name'), yearLevel: form.get('yearLevel'), size: form.get('size') };
		const parsed = parseForm(groupForm, form);
		if (parsed.errors) return fail(400, { values, errors: parsed.errors, duplicate: false });
		const groupId = await groups.create(database(), school.id, parsed.data);
		if (!groupId) return fail(400, { values, errors: {} as FieldErrors, duplicate: true });
		redirect(303, localizeHref(`/groups/${groupId}`));
	}
};
