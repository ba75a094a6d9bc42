import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import { serverLoginLimiters } from '$lib/server/auth/limits';
import { login } from '$lib/server/auth/login';
import { database } from '$lib/server/db';
import { parseForm, type FieldErrors } from '$lib/server/http/form';
import { safeNext, staffIp, startStaffSession } from '$lib/server/http/staff-login';
import * as providers from '$lib/server/sso/providers';
import type { Actions, PageServerLoad } from './$types';

const loginForm = z.object({
	email: z.string().trim().min(1, 'required').max(254, 'too_long'),
	password: z.string().min(1, 'required').max(1024, 'too_long')
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const next = safeNext(url.searchParams.get('next'), localizeHref('/dashboard'));
	if (locals.user) redirect(303, next);
	return { providers: await providers.listForLogin(database()), next, ssoFailure: url.searchParams.get('sso') };
};

export const actions: Actions = {
	default: async (event) => {
		const parsed = parseForm(loginForm, await event.request.formData());
		if (parsed.errors) return fail(400, { email: '', errors: parsed.errors, failure: null });
		const { email, password } = parsed.data;
		const result = await login(database(), { email, password, ip: staffIp(event) }, serverLoginLimiters());
		if (!result.ok) {
			const status = result.reason === 'rate_limited' ? 429 : result.reason === 'sso_required' ? 403 : 400;
			return fail(status, { email, errors: {} as FieldErrors, failure: result.reason });
		}
		await startStaffSession(event, result.userId, !result.hasSecondFactor);
		const next = safeNext(event.url.searchParams.get('next'), localizeHref('/dashboard'));
		if (result.hasSecondFactor) redirect(303, localizeHref(`/login/two-factor?next=${encodeURIComponent(next)}`));
		redirect(303, next);
	}
};
