import type { Handle, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { locale } from '$lib/server/http/locale';
import { requestLog } from '$lib/server/http/request-log';
import { securityHeaders } from '$lib/server/http/security-headers';
import { staffAuth } from '$lib/server/http/staff-auth';
import { staffOrigin } from '$lib/server/http/staff-origin';
import { startServer } from '$lib/server/lifecycle';

export const init: ServerInit = startServer;

const pages = sequence(securityHeaders, requestLog, locale, staffOrigin, staffAuth);
// The student JSON API (two requests per submission) has no page, no locale in its URL and no
// staff session, so it skips those layers: each costs every request its closures and promises.
const studentApi = sequence(securityHeaders, requestLog);

export const handle: Handle = (input) => (input.event.route.id?.startsWith('/api/') ? studentApi(input) : pages(input));
