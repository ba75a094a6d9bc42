import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { fields, parseForm } from '$lib/server/http/form';
import { staffIp } from '$lib/server/http/staff-login';
import * as schools from '$lib/server/org/schools';
import { can } from '$lib/server/policy';
import type { Actions, PageServerLoad } from './$types';

const schoolForm = z.object({ name: fields.requiredText });

export const load: PageServerLoad = ({ locals }) => {
	if (!can(locals.user!, 'school.create')) error(404, 'Not found');
};

export const actions: Actions = {
	default: async (event) => {
		const actor = event.locals.user!;
		if (!can(actor, 'school.create')) error(404, 'Not found');
		const form = await event.request.formData();
		const parsed = parseForm(schoolForm, form);
		if (parsed.errors) return fail(400, { values: { name: form.get('name') }, errors: parsed.errors });
		const schoolId = await schools.create(database(), parsed.data, actor.id, staffIp(event));
		redirect(303, localizeHref(`/schools/${schoolId}`));
	}
};
