import type { Handle } from '@sveltejs/kit';
import { paraglideMiddleware } from '$lib/paraglide/server';

/**
 * Routes that render no page: the JSON API picks its language from Accept-Language
 * (api/respond.ts), `/healthz` has none. The middleware clones every request it sees: on the
 * student API (two requests per submission) about 6 % of the server's CPU under load.
 */
const unlocalised = (routeId: string | null) => routeId === '/healthz' || Boolean(routeId?.startsWith('/api/'));

/** Sets the request's locale from its URL (`/en/...`), never from a cookie (PRIVACY.md S1). */
export const locale: Handle = ({ event, resolve }) => {
	if (unlocalised(event.route.id)) return resolve(event);
	return paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
};
