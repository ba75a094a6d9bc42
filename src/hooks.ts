import type { Reroute } from '@sveltejs/kit';
import { deLocalizeUrl } from '$lib/paraglide/runtime';

/** `/en/healthz` and `/healthz` reach the same route; the locale prefix is only for people. */
export const reroute: Reroute = (request) => deLocalizeUrl(request.url).pathname;
