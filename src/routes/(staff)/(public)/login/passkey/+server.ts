import { json } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import * as passkeys from '$lib/server/auth/passkeys';
import { database } from '$lib/server/db';
import { setCeremonyCookie, takeCeremonyCookie } from '$lib/server/http/ceremony-cookie';
import { passkeyRequest } from '$lib/server/http/passkey-request';
import { safeNext, staffIp, startStaffSession } from '$lib/server/http/staff-login';
import { mustUseSso } from '$lib/server/sso/sign-in-policy';
import type { RequestHandler } from './$types';

/**
 * "Log in with a passkey", without e-mail or password: the passkey names its account and is
 * both steps at once. A school that requires single sign-on keeps its staff to its provider.
 */
export const POST: RequestHandler = async (event) => {
	const input = await passkeyRequest(event);
	if (input.step === 'options') {
		const { token, options } = await passkeys.authenticationOptions(database(), null);
		setCeremonyCookie(event.cookies, 'passkey', token);
		return json(options);
	}
	const token = takeCeremonyCookie(event.cookies, 'passkey');
	const result = await passkeys.authenticate(database(), token, input.credential, null, staffIp(event));
	if (!result.ok) return json({ ok: false, reason: 'invalid' }, { status: 400 });
	if (await mustUseSso(database(), result.userId)) return json({ ok: false, reason: 'sso_required' }, { status: 403 });
	await startStaffSession(event, result.userId, true);
	return json({ ok: true, location: safeNext(input.next ?? null, localizeHref('/dashboard')) });
};
