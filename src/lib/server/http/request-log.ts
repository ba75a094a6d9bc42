import type { Handle } from '@sveltejs/kit';
import { log } from '../log';

/** Logs the route id (`/r/[code]`), never the path, so no join code or IP reaches a log. */
export const requestLog: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const response = await resolve(event);
	log.debug('request', {
		method: event.request.method,
		route: event.route.id,
		status: response.status,
		ms: Math.round(performance.now() - started)
	});
	return response;
};
