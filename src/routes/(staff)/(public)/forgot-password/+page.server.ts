import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { serverForgotPasswordLimiter } from '$lib/server/auth/limits';
import * as passwordResets from '$lib/server/auth/password-resets';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { fields, parseForm } from '$lib/server/http/form';
import { staffIp } from '$lib/server/http/staff-login';
import * as mail from '$lib/server/mail';
import type { Actions, PageServerLoad } from './$types';

const forgotForm = z.object({ email: fields.email });

export const load: PageServerLoad = () => ({
	mailConfigured: mail.isConfigured(),
	minutes: config().PASSWORD_RESET_TTL_MINUTES
});

export const actions: Actions = {
	default: async (event) => {
		if (!serverForgotPasswordLimiter().consume(staffIp(event) ?? 'unknown')) {
			return fail(429, { email: '', errors: {}, rateLimited: true });
		}
		const form = await event.request.formData();
		const parsed = parseForm(forgotForm, form);
		if (parsed.errors) return fail(400, { email: String(form.get('email') ?? ''), errors: parsed.errors, rateLimited: false });
		if (mail.isConfigured()) {
			const { email } = parsed.data;
			const link = await passwordResets.createForEmail(database(), email, config().ORIGIN);
			// Not awaited: the answer must not take longer when the address has an account.
			if (link) void mail.send(mail.passwordResetMail({ to: email, link, minutes: config().PASSWORD_RESET_TTL_MINUTES }));
		}
		return { sent: true };
	}
};
