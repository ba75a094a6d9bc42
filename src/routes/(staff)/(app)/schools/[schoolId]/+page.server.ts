import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { database } from '$lib/server/db';
import { fields, parseForm } from '$lib/server/http/form';
import * as schools from '$lib/server/org/schools';
import { can } from '$lib/server/policy';
import { visibleSchool } from './visible-school';
import type { Actions, PageServerLoad } from './$types';

const renameForm = z.object({ name: fields.requiredText });

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = locals.user!;
	const school = await visibleSchool(actor, params.schoolId);
	const resource = { schoolId: school.id };
	return {
		school,
		canViewStaff: can(actor, 'staff.view', resource),
		canViewSecurityLog: can(actor, 'security_log.view', resource),
		canManageSignIn: can(actor, 'sign_in.manage', resource),
		canRunPrivacyAudit: can(actor, 'privacy_audit.run', resource),
		canViewDashboard: can(actor, 'reports.view_school', resource),
		canRename: can(actor, 'school.settings', resource)
	};
};

export const actions: Actions = {
	rename: async ({ locals, params, request }) => {
		const school = await visibleSchool(locals.user!, params.schoolId);
		if (!can(locals.user!, 'school.settings', { schoolId: school.id })) error(404, 'Not found');
		const form = await request.formData();
		const parsed = parseForm(renameForm, form);
		if (parsed.errors) return fail(400, { values: { name: form.get('name') }, errors: parsed.errors });
		await schools.rename(database(), school.id, parsed.data.name);
		return { renamed: true };
	}
};
