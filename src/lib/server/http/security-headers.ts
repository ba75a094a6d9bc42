import type { Handle } from '@sveltejs/kit';
import { servedOverHttps } from './secure-request';

/**
 * Headers every response gets, also those of the student API's Node fast path. The
 * Content-Security-Policy itself comes from `kit.csp` in svelte.config.js, because SvelteKit
 * must add a nonce to its own inline script.
 */
export const securityHeaderValues: Readonly<Record<string, string>> = {
	'X-Content-Type-Options': 'nosniff',
	// Not no-referrer: with it, Chromium sends `Origin: null` on form posts, and SvelteKit's
	// CSRF check then refuses every student form without JavaScript. same-origin still
	// sends nothing to any other site.
	'Referrer-Policy': 'same-origin',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()'
};

/** Sent only over https (secure-request.ts says when that is known). */
export const strictTransportSecurity = 'max-age=63072000; includeSubDomains';

export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	for (const [name, value] of Object.entries(securityHeaderValues)) headers.set(name, value);
	if (servedOverHttps()) headers.set('Strict-Transport-Security', strictTransportSecurity);
	return response;
};
