import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { exposeNodeTransport } from '$lib/server/api/node-transport';
import { locale } from '$lib/server/http/locale';
import { requestLog } from '$lib/server/http/request-log';
import { securityHeaders } from '$lib/server/http/security-headers';
import { staffAuth } from '$lib/server/http/staff-auth';
import { staffOrigin } from '$lib/server/http/staff-origin';
import { startServer } from '$lib/server/lifecycle';

export const init: ServerInit = async () => {
	await startServer();
	exposeNodeTransport();
};

const pages = sequence(securityHeaders, requestLog, locale, staffOrigin, staffAuth);
// The JSON API (two requests per student submission) and `/healthz` render no page, take no
// locale from the URL (the API reads Accept-Language) and have no staff session, so they skip
// those layers. Paraglide's locale middleware alone cloned every request: about 6 % of the
// server's CPU under load.
const pageless = sequence(securityHeaders, requestLog);
const rendersNoPage = (routeId: string | null) => routeId === '/healthz' || Boolean(routeId?.startsWith('/api/'));

export const handle: Handle = (input) => (rendersNoPage(input.event.route.id) ? pageless(input) : pages(input));
