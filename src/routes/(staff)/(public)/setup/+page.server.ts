import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import * as setup from '$lib/server/auth/setup';
import { database } from '$lib/server/db';
import { fields, parseForm } from '$lib/server/http/form';
import { startStaffSession } from '$lib/server/http/staff-login';
import type { Actions, PageServerLoad } from './$types';

const setupForm = z.object({
	schoolName: fields.requiredText,
	firstName: fields.name,
	lastName: fields.name,
	email: fields.email,
	password: fields.newPassword
});

export const load: PageServerLoad = async () => {
	if (await setup.isComplete(database())) error(404, 'Not found');
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const parsed = parseForm(setupForm, form);
		if (parsed.errors) {
			return fail(400, { values: { schoolName: form.get('schoolName'), firstName: form.get('firstName'), lastName: form.get('lastName'), email: form.get('email') }, errors: parsed.errors });
		}
		const userId = await setup.createFirstAdmin(database(), parsed.data);
		if (!userId) error(404, 'Not found');
		await startStaffSession(event, userId, false);
		redirect(303, localizeHref('/two-factor/setup'));
	}
};
