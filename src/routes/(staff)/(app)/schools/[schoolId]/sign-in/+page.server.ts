import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { parseForm, type FieldErrors } from '$lib/server/http/form';
import { staffIp } from '$lib/server/http/staff-login';
import { callbackUrl, checkIssuer } from '$lib/server/sso/oidc';
import * as providers from '$lib/server/sso/providers';
import * as signInPolicy from '$lib/server/sso/sign-in-policy';
import { can } from '$lib/server/policy';
import { visibleSchool } from '../visible-school';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const domain = z
	.string()
	.toLowerCase()
	.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'domain');
const providerForm = z.object({
	name: z.string().trim().min(1, 'required').max(60, 'too_long'),
	issuer: z
		.string()
		.trim()
		.max(500, 'too_long')
		.refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'https_url'),
	clientId: z.string().trim().min(1, 'required').max(500, 'too_long'),
	clientSecret: z.string().trim().max(2000, 'too_long'),
	allowedDomains: z
		.string()
		.transform((value) => [...new Set(value.toLowerCase().split(/[\s,;]+/).filter(Boolean))])
		.pipe(z.array(domain).min(1, 'required').max(20, 'too_long'))
});
const settingsForm = z.object({ requireSso: z.literal('on').optional(), leadersNeedSecondFactor: z.literal('on').optional() });

async function managedSchool(event: Pick<RequestEvent, 'locals' | 'params'>) {
	const school = await visibleSchool(event.locals.user!, event.params.schoolId);
	if (!can(event.locals.user!, 'sign_in.manage', { schoolId: school.id })) error(404, 'Not found');
	return school;
}

export const load: PageServerLoad = async (event) => {
	const school = await managedSchool(event);
	const db = database();
	return {
		school,
		providers: await providers.listForSchool(db, school.id),
		settings: (await signInPolicy.settingsOf(db, school.id))!,
		callbackUrl: callbackUrl(),
		secretKeySet: Boolean(config().SSO_SECRET_KEY)
	};
};

export const actions: Actions = {
	addProvider: async (event) => {
		const school = await managedSchool(event);
		const form = await event.request.formData();
		const values = Object.fromEntries(['name', 'issuer', 'clientId', 'allowedDomains'].map((k) => [k, String(form.get(k) ?? '')]));
		const parsed = parseForm(providerForm, form);
		const refused = (errors: FieldErrors, problem: string | null = null) => fail(400, { add: { values, errors, problem } });
		if (parsed.errors) return refused(parsed.errors);
		if (parsed.data.clientSecret && !config().SSO_SECRET_KEY) return refused({ clientSecret: 'secret_key_missing' });
		const problem = await checkIssuer(parsed.data.issuer, parsed.data.clientId);
		if (problem) return refused({ issuer: 'issuer_unreachable' }, problem);
		await providers.add(database(), school.id, parsed.data, event.locals.user!.id, staffIp(event));
		return { added: true };
	},
	removeProvider: async (event) => {
		const school = await managedSchool(event);
		const providerId = String((await event.request.formData()).get('providerId') ?? '');
		if (!(await providers.remove(database(), school.id, providerId, event.locals.user!.id, staffIp(event)))) error(404, 'Not found');
		return { removed: true };
	},
	settings: async (event) => {
		const school = await managedSchool(event);
		const parsed = settingsForm.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { settingsFailure: 'invalid' as const });
		const settings = { requireSso: parsed.data.requireSso === 'on', leadersNeedSecondFactor: parsed.data.leadersNeedSecondFactor === 'on' };
		const result = await signInPolicy.update(database(), school.id, settings, event.locals.user!.id, staffIp(event));
		if (!result.ok) return fail(400, { settingsFailure: result.reason });
		return { saved: true };
	}
};
