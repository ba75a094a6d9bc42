import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import { markTwoFactorVerified } from '$lib/server/auth/sessions';
import * as totp from '$lib/server/auth/totp';
import { database } from '$lib/server/db';
import { staffIp } from '$lib/server/http/staff-login';
import type { Actions, PageServerLoad } from './$types';

const enrolForm = z.object({ key: z.string().regex(/^[A-Z2-7]{32}$/), code: z.string().max(64) });

async function enrolment(key: string, email: string) {
	return { key, qrSvg: await totp.enrolmentQrSvg(key, email) };
}

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	// A user who already has a second factor must pass it before setting up a new one.
	if (user.hasSecondFactor && !locals.session!.twoFactorVerified) redirect(303, localizeHref('/login/two-factor'));
	return {
		required: user.secondFactorRequired,
		hasSecondFactor: user.hasSecondFactor,
		...(await enrolment(totp.generateKey(), user.email))
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = event.locals.user!;
		const parsed = enrolForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { failed: true, recoveryCodes: null });
		const { key, code } = parsed.data;
		const step = totp.matchingStep(key, code);
		if (step === null) {
			return fail(400, { failed: true, recoveryCodes: null, ...(await enrolment(key, user.email)) });
		}
		const recoveryCodes = await totp.enable(database(), user.id, key, step, staffIp(event));
		await markTwoFactorVerified(database(), event.locals.session!.id);
		return { failed: false, recoveryCodes };
	}
};
