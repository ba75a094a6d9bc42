import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { takeCeremonyCookie } from '$lib/server/http/ceremony-cookie';
import { staffIp, startStaffSession } from '$lib/server/http/staff-login';
import { finish } from '$lib/server/sso/oidc';
import type { PageServerLoad } from './$types';

/** Where the identity provider sends the browser back, with a code (or an error) and the state. */
export const load: PageServerLoad = async (event) => {
	const result = await finish(database(), takeCeremonyCookie(event.cookies, 'sso'), event.url.search, staffIp(event));
	if (!result.ok) return { reason: result.reason };
	await startStaffSession(event, result.userId, !result.hasSecondFactor);
	if (result.hasSecondFactor) redirect(303, localizeHref(`/login/two-factor?next=${encodeURIComponent(result.next)}`));
	redirect(303, result.next);
};
