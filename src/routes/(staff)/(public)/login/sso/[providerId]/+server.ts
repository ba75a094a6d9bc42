import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { setCeremonyCookie } from '$lib/server/http/ceremony-cookie';
import { safeNext } from '$lib/server/http/staff-login';
import { begin } from '$lib/server/sso/oidc';
import type { RequestHandler } from './$types';

/** "Sign in with the school's account": off to the school's identity provider. */
export const GET: RequestHandler = async ({ params, url, cookies }) => {
	const next = safeNext(url.searchParams.get('next'), localizeHref('/dashboard'));
	const started = await begin(database(), params.providerId, next);
	if (!started.ok) redirect(303, localizeHref(`/login?sso=${started.reason}`));
	setCeremonyCookie(cookies, 'sso', started.token);
	redirect(303, started.url);
};
