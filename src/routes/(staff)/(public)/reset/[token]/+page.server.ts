import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import * as passwordResets from '$lib/server/auth/password-resets';
import { database } from '$lib/server/db';
import { fields, parseForm } from '$lib/server/http/form';
import { staffIp } from '$lib/server/http/staff-login';
import type { Actions, PageServerLoad } from './$types';

const resetForm = z.object({ password: fields.newPassword });

export const load: PageServerLoad = async ({ params }) => {
	const reset = await passwordResets.find(database(), params.token);
	if (!reset) error(404, 'Reset link not found or expired');
	return { email: reset.email };
};

export const actions: Actions = {
	default: async (event) => {
		const parsed = parseForm(resetForm, await event.request.formData());
		if (parsed.errors) return fail(400, { errors: parsed.errors });
		const result = await passwordResets.complete(database(), event.params.token, parsed.data.password, staffIp(event));
		if (result.ok) redirect(303, localizeHref('/reset/done'));
		if (result.reason === 'invalid_link') error(404, 'Reset link not found or expired');
		return fail(400, { errors: { password: `password_${result.reason}` } });
	}
};
