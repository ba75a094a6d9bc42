import type { Cookies } from '@sveltejs/kit';

/**
 * The staff session cookie. Over https it gets the `__Host-` prefix (which requires Secure,
 * Path=/ and no Domain); plain http is for local development and tests only.
 */
export function sessionCookieName(secure: boolean): string {
	return secure ? '__Host-lesspiegel_session' : 'lesspiegel_session';
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean): void {
	cookies.set(sessionCookieName(secure), token, {
		httpOnly: true,
		sameSite: 'lax',
		secure,
		path: '/',
		expires: expiresAt
	});
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean): void {
	cookies.delete(sessionCookieName(secure), { path: '/', secure, httpOnly: true, sameSite: 'lax' });
}
