import type { ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { locale } from '$lib/server/http/locale';
import { requestLog } from '$lib/server/http/request-log';
import { securityHeaders } from '$lib/server/http/security-headers';
import { staffAuth } from '$lib/server/http/staff-auth';
import { staffOrigin } from '$lib/server/http/staff-origin';
import { startServer } from '$lib/server/lifecycle';

export const init: ServerInit = startServer;

export const handle = sequence(securityHeaders, requestLog, locale, staffOrigin, staffAuth);
