import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import * as account from '$lib/server/account';
import * as passkeys from '$lib/server/auth/passkeys';
import { invalidateUserSessions } from '$lib/server/auth/sessions';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { fields, parseForm, type FieldErrors } from '$lib/server/http/form';
import { staffIp } from '$lib/server/http/staff-login';
import type { Actions, PageServerLoad } from './$types';

/*
 * The staff member's own data (PRIVACY.md, staff rights). Everything here acts on
 * locals.user itself, never on an id from the request, so there is nothing for `can` to decide.
 */

const profileForm = z.object({ email: fields.email, firstName: fields.name, lastName: fields.name });
const passwordForm = z.object({
	currentPassword: z.string().min(1, 'required').max(1024, 'too_long'),
	newPassword: fields.newPassword
});

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user!;
	const db = database();
	const data = await account.exportData(db, user.id);
	if (!data) error(404, 'Not found');
	return {
		...data,
		mayTurnOffTwoStep: user.totpEnabled && (await account.mayTurnOffTwoStep(db, user.id)),
		logRetentionDays: config().SECURITY_LOG_RETENTION_DAYS
	};
};

export const actions: Actions = {
	profile: async (event) => {
		const form = await event.request.formData();
		const parsed = parseForm(profileForm, form);
		const values = { email: form.get('email'), firstName: form.get('firstName'), lastName: form.get('lastName') };
		if (parsed.errors) return fail(400, { action: 'profile' as const, values, errors: parsed.errors, failure: null });
		const problem = await account.updateProfile(database(), event.locals.user!.id, parsed.data);
		if (problem) return fail(400, { action: 'profile' as const, values, errors: {} as FieldErrors, failure: problem });
		return { action: 'profile' as const, done: true };
	},
	password: async (event) => {
		const parsed = parseForm(passwordForm, await event.request.formData());
		if (parsed.errors) return fail(400, { action: 'password' as const, errors: parsed.errors, failure: null });
		const { user, session } = event.locals;
		const { currentPassword, newPassword } = parsed.data;
		const result = await account.changePassword(database(), user!.id, currentPassword, newPassword, session!.id, staffIp(event));
		if (!result.ok) {
			return result.reason === 'wrong_password'
				? fail(400, { action: 'password' as const, errors: {} as FieldErrors, failure: result.reason })
				: fail(400, { action: 'password' as const, errors: { newPassword: `password_${result.reason}` }, failure: null });
		}
		return { action: 'password' as const, done: true };
	},
	logoutOthers: async ({ locals }) => {
		await invalidateUserSessions(database(), locals.user!.id, locals.session!.id);
		return { action: 'logoutOthers' as const, done: true };
	},
	removePasskey: async (event) => {
		const id = String((await event.request.formData()).get('passkeyId') ?? '').slice(0, 1024);
		if (!(await passkeys.remove(database(), event.locals.user!.id, id, staffIp(event)))) error(404, 'Not found');
		return { action: 'removePasskey' as const, done: true };
	},
	turnOffTwoStep: async (event) => {
		if (!(await account.turnOffTwoStep(database(), event.locals.user!.id, staffIp(event)))) error(403, 'Forbidden');
		return { action: 'turnOffTwoStep' as const, done: true };
	}
};
