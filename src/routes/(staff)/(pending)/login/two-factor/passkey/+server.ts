import { json } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import * as passkeys from '$lib/server/auth/passkeys';
import { markTwoFactorVerified } from '$lib/server/auth/sessions';
import { database } from '$lib/server/db';
import { setCeremonyCookie, takeCeremonyCookie } from '$lib/server/http/ceremony-cookie';
import { passkeyRequest } from '$lib/server/http/passkey-request';
import { safeNext, staffIp } from '$lib/server/http/staff-login';
import type { RequestHandler } from './$types';

/** A passkey as the second step after a password or single sign-on. */
export const POST: RequestHandler = async (event) => {
	const { user, session } = event.locals;
	const input = await passkeyRequest(event);
	if (input.step === 'options') {
		const { token, options } = await passkeys.authenticationOptions(database(), user!.id);
		setCeremonyCookie(event.cookies, 'passkey', token);
		return json(options);
	}
	const token = takeCeremonyCookie(event.cookies, 'passkey');
	const result = await passkeys.authenticate(database(), token, input.credential, user!.id, staffIp(event));
	if (!result.ok) return json({ ok: false }, { status: 400 });
	await markTwoFactorVerified(database(), session!.id);
	return json({ ok: true, location: safeNext(input.next ?? null, localizeHref('/dashboard')) });
};
