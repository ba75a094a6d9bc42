import type { Cookies } from '@sveltejs/kit';
import { servedOverHttps } from './secure-request';

/**
 * The browser's half of a single sign-on attempt (sso/oidc.ts keeps the other, hashed). Lax, so
 * that it comes back on the provider's top-level redirect to the callback; ten minutes at most.
 */
function name(secure: boolean): string {
	return secure ? '__Host-lesspiegel_sso' : 'lesspiegel_sso';
}

export function setSsoCookie(cookies: Cookies, token: string): void {
	const secure = servedOverHttps();
	cookies.set(name(secure), token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 600 });
}

/** Reads the token and removes the cookie: an attempt is finished once. */
export function takeSsoCookie(cookies: Cookies): string | undefined {
	const secure = servedOverHttps();
	const token = cookies.get(name(secure));
	cookies.delete(name(secure), { path: '/', secure, httpOnly: true, sameSite: 'lax' });
	return token;
}
