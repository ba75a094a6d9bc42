import { fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { markTwoFactorVerified } from '$lib/server/auth/sessions';
import * as totp from '$lib/server/auth/totp';
import { database } from '$lib/server/db';
import { safeNext, staffIp } from '$lib/server/http/staff-login';
import type { Actions, PageServerLoad } from './$types';

function destination(url: URL) {
	return safeNext(url.searchParams.get('next'), localizeHref('/dashboard'));
}

export const load: PageServerLoad = ({ locals, url }) => {
	const user = locals.user;
	if (!user?.hasSecondFactor || locals.session?.twoFactorVerified) redirect(303, destination(url));
	return { totp: user.totpEnabled, passkey: user.hasPasskey, next: destination(url) };
};

export const actions: Actions = {
	default: async (event) => {
		const { user, session } = event.locals;
		if (!user || !session) redirect(303, localizeHref('/login'));
		const code = String((await event.request.formData()).get('code') ?? '').slice(0, 64);
		if (!(await totp.verifySecondFactor(database(), user.id, code, staffIp(event)))) {
			return fail(400, { failed: true });
		}
		await markTwoFactorVerified(database(), session.id);
		redirect(303, destination(event.url));
	}
};
