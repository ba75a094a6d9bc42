import type { Handle } from '@sveltejs/kit';
import { isSecureRequest } from './secure-request';

/**
 * Headers every response gets. The Content-Security-Policy itself comes from `kit.csp` in
 * svelte.config.js, because SvelteKit must add a nonce to its own inline script.
 */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('X-Content-Type-Options', 'nosniff');
	// Not no-referrer: with it, Chromium sends `Origin: null` on form posts, and SvelteKit's
	// CSRF check then refuses every student form without JavaScript. same-origin still
	// sends nothing to any other site.
	headers.set('Referrer-Policy', 'same-origin');
	headers.set('X-Frame-Options', 'DENY');
	headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
	if (isSecureRequest(event)) {
		headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
	}
	return response;
};
