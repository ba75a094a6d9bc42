import { error, type Handle } from '@sveltejs/kit';
import { staffArea } from './staff-auth';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * SvelteKit's CSRF check covers form posts only; staff JSON endpoints are protected here.
 * A state-changing request to a staff route must come from our own origin.
 */
export const staffOrigin: Handle = ({ event, resolve }) => {
	if (safeMethods.has(event.request.method) || !staffArea(event.route.id)) return resolve(event);
	const origin = event.request.headers.get('origin');
	const fetchSite = event.request.headers.get('sec-fetch-site');
	const sameOrigin = origin ? origin === event.url.origin : !fetchSite || fetchSite === 'same-origin';
	if (!sameOrigin) error(403, 'Cross-site requests to staff pages are refused');
	return resolve(event);
};
