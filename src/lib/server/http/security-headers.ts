import type { Handle } from '@sveltejs/kit';
import { config } from '../config';

/**
 * Headers every response gets. The Content-Security-Policy itself comes from `kit.csp` in
 * svelte.config.js, because SvelteKit must add a nonce to its own inline script.
 */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('X-Content-Type-Options', 'nosniff');
	headers.set('Referrer-Policy', 'no-referrer');
	headers.set('X-Frame-Options', 'DENY');
	headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
	// adapter-node reports https for every request unless ORIGIN or PROTOCOL_HEADER says
	// otherwise, so only trust the protocol when one of them is configured.
	const cfg = config();
	if (event.url.protocol === 'https:' && (cfg.ORIGIN || cfg.PROTOCOL_HEADER)) {
		headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
	}
	return response;
};
