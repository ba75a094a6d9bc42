import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import * as invitations from '$lib/server/auth/invitations';
import { serverLoginLimiters } from '$lib/server/auth/limits';
import { database } from '$lib/server/db';
import { fields, parseForm } from '$lib/server/http/form';
import { staffIp } from '$lib/server/http/staff-login';
import type { Actions, PageServerLoad } from './$types';

const newAccountForm = z.object({ firstName: fields.name, lastName: fields.name, password: fields.newPassword });
const existingAccountForm = z.object({ password: z.string().min(1, 'required').max(1024, 'too_long') });

export const load: PageServerLoad = async ({ params }) => {
	const invitation = await invitations.find(database(), params.token);
	if (!invitation) error(404, 'Invitation not found or expired');
	const { email, schoolName, role, hasAccount } = invitation;
	return { email, schoolName, role, hasAccount };
};

export const actions: Actions = {
	default: async (event) => {
		const db = database();
		const invitation = await invitations.find(db, event.params.token);
		if (!invitation) error(404, 'Invitation not found or expired');
		const form = await event.request.formData();
		const values = { firstName: form.get('firstName'), lastName: form.get('lastName') };
		const parsed = parseForm(invitation.hasAccount ? existingAccountForm : newAccountForm, form);
		if (parsed.errors) return fail(400, { values, errors: parsed.errors, failure: null });
		// Proving ownership of an existing account is a password guess: count failures as at login.
		const ip = staffIp(event);
		const perIp = serverLoginLimiters().perIp;
		if (invitation.hasAccount && perIp.isBlocked(ip ?? 'unknown')) return fail(429, { values, errors: {}, failure: 'rate_limited' as const });
		const result = await invitations.accept(db, event.params.token, parsed.data, ip);
		if (result.ok) redirect(303, localizeHref(`/invite/accepted?account=${result.newAccount ? 'new' : 'existing'}`));
		if (result.reason === 'invalid_link') error(404, 'Invitation not found or expired');
		if (result.reason === 'wrong_password') {
			perIp.consume(ip ?? 'unknown');
			return fail(400, { values, errors: {}, failure: 'wrong_password' as const });
		}
		if (result.reason === 'account_exists') return fail(409, { values, errors: {}, failure: 'account_exists' as const });
		return fail(400, { values, errors: { password: `password_${result.reason}` }, failure: null });
	}
};
