import { error, type RequestEvent } from '@sveltejs/kit';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

/**
 * The JSON the passkey buttons post: `{ step: 'options' }` for a challenge, then the browser's
 * signed answer. Only its outline is checked here; @simplewebauthn/server checks the rest.
 */
const b64url = z.string().regex(/^[A-Za-z0-9_-]*$/).max(16_384);
const credential = z.looseObject({
	id: b64url.min(1).max(1_024),
	rawId: b64url.min(1).max(1_024),
	type: z.literal('public-key'),
	response: z.looseObject({ clientDataJSON: b64url })
});
const body = z.discriminatedUnion('step', [
	z.object({ step: z.literal('options') }),
	z.object({ step: z.literal('verify'), credential, next: z.string().max(2_000).optional() })
]);

export type PasskeyRequest =
	| { step: 'options' }
	| { step: 'verify'; credential: RegistrationResponseJSON & AuthenticationResponseJSON; next?: string };

export async function passkeyRequest(event: RequestEvent): Promise<PasskeyRequest> {
	const parsed = body.safeParse(await event.request.json().catch(() => null));
	if (!parsed.success) error(400, 'Bad request');
	return parsed.data as PasskeyRequest;
}
