import type { Cookies } from '@sveltejs/kit';
import { servedOverHttps } from './secure-request';

/**
 * The browser's half of a sign-in ceremony under way: a single sign-on attempt (sso/oidc.ts)
 * or a passkey challenge (auth/passkeys.ts), whose other half the database keeps, hashed. Lax,
 * so that it comes back on the provider's top-level redirect to the callback.
 */
export type Ceremony = 'sso' | 'passkey';

const maxAgeSeconds: Record<Ceremony, number> = { sso: 600, passkey: 300 };

function name(ceremony: Ceremony, secure: boolean): string {
	return `${secure ? '__Host-' : ''}lesspiegel_${ceremony}`;
}

export function setCeremonyCookie(cookies: Cookies, ceremony: Ceremony, token: string): void {
	const secure = servedOverHttps();
	cookies.set(name(ceremony, secure), token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxAgeSeconds[ceremony] });
}

/** Reads the token and removes the cookie: a ceremony is finished once. */
export function takeCeremonyCookie(cookies: Cookies, ceremony: Ceremony): string | undefined {
	const secure = servedOverHttps();
	const token = cookies.get(name(ceremony, secure));
	cookies.delete(name(ceremony, secure), { path: '/', secure, httpOnly: true, sameSite: 'lax' });
	return token;
}
