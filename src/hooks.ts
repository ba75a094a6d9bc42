import type { Reroute } from '@sveltejs/kit';
import { deLocalizeUrl } from '$lib/paraglide/runtime';

/**
 * `/en/healthz` and `/healthz` reach the same route; the locale prefix is only for people. The
 * student JSON API has none, and is spared the URL copy on each of its requests.
 */
export const reroute: Reroute = ({ url }) => (url.pathname.startsWith('/api/') ? undefined : deLocalizeUrl(url).pathname);
