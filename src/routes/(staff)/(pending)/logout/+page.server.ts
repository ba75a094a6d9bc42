import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { deleteSessionCookie } from '$lib/server/auth/session-cookie';
import { invalidateSession } from '$lib/server/auth/sessions';
import { database } from '$lib/server/db';
import * as securityLog from '$lib/server/security-log';
import { servedOverHttps } from '$lib/server/http/secure-request';
import { staffIp } from '$lib/server/http/staff-login';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, localizeHref('/dashboard'));

export const actions: Actions = {
	default: async (event) => {
		const { user, session } = event.locals;
		if (session && user) {
			await invalidateSession(database(), session.id);
			await securityLog.record(database(), { event: 'logout', userId: user.id, ip: staffIp(event) });
		}
		deleteSessionCookie(event.cookies, servedOverHttps());
		redirect(303, localizeHref('/login'));
	}
};
