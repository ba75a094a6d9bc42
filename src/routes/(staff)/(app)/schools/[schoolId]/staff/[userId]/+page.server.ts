import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import * as passwordResets from '$lib/server/auth/password-resets';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { staffRoles } from '$lib/server/db/schema';
import { parseForm } from '$lib/server/http/form';
import { staffIp } from '$lib/server/http/staff-login';
import * as mail from '$lib/server/mail';
import * as staff from '$lib/server/org/staff';
import { can } from '$lib/server/policy';
import type { Actions, PageServerLoad, RouteParams } from './$types';

const rolesForm = z.object({
	roles: z.union([z.enum(staffRoles), z.array(z.enum(staffRoles)).min(1)], 'required').transform((r) => [r].flat())
});
const deleteForm = z.object({ confirm: z.literal('on', 'required') });

/** The person and the actor, or 404 when the actor may not manage them in this school. */
async function target(event: Pick<RequestEvent<RouteParams>, 'locals' | 'params'>) {
	const actor = event.locals.user!;
	const { schoolId, userId } = event.params;
	// A malformed id never reaches a query: the policy knows only real school ids, and the
	// person is looked up among that school's staff.
	if (!can(actor, 'staff.view', { schoolId })) error(404, 'Not found');
	const member = await staff.find(database(), schoolId, userId);
	if (!member || !can(actor, 'staff.manage', { schoolId, roles: member.roles })) error(404, 'Not found');
	return { actor, schoolId, member, by: { actorId: actor.id, ip: staffIp(event as RequestEvent) } };
}

export const load: PageServerLoad = async (event) => {
	const { actor, schoolId, member } = await target(event);
	return {
		schoolId,
		member,
		isSelf: member.id === actor.id,
		assignableRoles: staffRoles.filter((role) => can(actor, 'staff.invite', { schoolId, roles: [role] }))
	};
};

export const actions: Actions = {
	roles: async (event) => {
		const { actor, schoolId, member, by } = await target(event);
		const parsed = parseForm(rolesForm, await event.request.formData());
		if (parsed.errors) return fail(400, { action: 'roles' as const, failure: 'roles_required' as const });
		const roles = parsed.data.roles;
		if (!can(actor, 'staff.manage', { schoolId, roles: [...member.roles, ...roles] })) error(404, 'Not found');
		const problem = await staff.setRoles(database(), schoolId, member.id, roles, by);
		if (problem) return fail(409, { action: 'roles' as const, failure: problem });
		return { action: 'roles' as const, done: true };
	},
	reset: async (event) => {
		const { member } = await target(event);
		if (member.deactivated) return fail(409, { action: 'reset' as const, failure: 'deactivated' as const });
		const link = await passwordResets.create(database(), member.id, config().ORIGIN);
		const minutes = config().PASSWORD_RESET_TTL_MINUTES;
		const sent = await mail.send(mail.passwordResetMail({ to: member.email, link, minutes }));
		return { action: 'reset' as const, done: true, reset: { minutes, link: sent ? null : link } };
	},
	deactivate: async (event) => {
		const { schoolId, member, by } = await target(event);
		const problem = await staff.deactivate(database(), schoolId, member.id, by);
		if (problem) return fail(409, { action: 'access' as const, failure: problem });
		return { action: 'access' as const, done: true };
	},
	reactivate: async (event) => {
		const { schoolId, member, by } = await target(event);
		const problem = await staff.reactivate(database(), schoolId, member.id, by);
		if (problem) return fail(409, { action: 'access' as const, failure: problem });
		return { action: 'access' as const, done: true };
	},
	delete: async (event) => {
		const { schoolId, member, by } = await target(event);
		const parsed = parseForm(deleteForm, await event.request.formData());
		if (parsed.errors) return fail(400, { action: 'delete' as const, failure: 'confirm_required' as const });
		const result = await staff.remove(database(), schoolId, member.id, by);
		if (!result.ok) return fail(409, { action: 'delete' as const, failure: result.reason });
		redirect(303, localizeHref(`/schools/${schoolId}/staff?removed=${result.removed}`));
	}
};
