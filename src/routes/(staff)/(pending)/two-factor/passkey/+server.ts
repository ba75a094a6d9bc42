import { error, json } from '@sveltejs/kit';
import * as passkeys from '$lib/server/auth/passkeys';
import { database } from '$lib/server/db';
import { setCeremonyCookie, takeCeremonyCookie } from '$lib/server/http/ceremony-cookie';
import { passkeyRequest } from '$lib/server/http/passkey-request';
import { staffIp } from '$lib/server/http/staff-login';
import type { RequestHandler } from './$types';

/**
 * "Add a passkey", on My data or as the first second factor on the set-up page: a challenge,
 * then the new credential. Whoever has a second factor must have passed it first.
 */
export const POST: RequestHandler = async (event) => {
	const { user, session } = event.locals;
	if (user!.hasSecondFactor && !session!.twoFactorVerified) error(403, 'Forbidden');
	const input = await passkeyRequest(event);
	if (input.step === 'options') {
		const { token, options } = await passkeys.registrationOptions(database(), user!);
		setCeremonyCookie(event.cookies, 'passkey', token);
		return json(options);
	}
	const token = takeCeremonyCookie(event.cookies, 'passkey');
	const added = await passkeys.register(database(), user!.id, token, input.credential, staffIp(event));
	return json({ ok: added }, { status: added ? 200 : 400 });
};
