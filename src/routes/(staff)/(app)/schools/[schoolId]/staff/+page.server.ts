import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import * as invitations from '$lib/server/auth/invitations';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { staffRoles } from '$lib/server/db/schema';
import { fields, parseForm } from '$lib/server/http/form';
import * as mail from '$lib/server/mail';
import * as schools from '$lib/server/org/schools';
import * as staff from '$lib/server/org/staff';
import { can, type Actor } from '$lib/server/policy';
import type { Actions, PageServerLoad } from './$types';

const inviteForm = z.object({ email: fields.email, role: z.enum(staffRoles, 'required') });

/** The roles this actor may hand out in the school. */
const invitableRoles = (actor: Actor, schoolId: string) => staffRoles.filter((role) => can(actor, 'staff.invite', { schoolId, roles: [role] }));

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const actor = locals.user!;
	const { schoolId } = params;
	if (!can(actor, 'staff.view', { schoolId })) error(404, 'Not found');
	const db = database();
	const school = await schools.find(db, schoolId);
	if (!school) error(404, 'Not found');
	const removed = url.searchParams.get('removed');
	return {
		schoolId,
		schoolName: school.name,
		actorId: actor.id,
		members: (await staff.list(db, schoolId)).map((s) => ({ ...s, canManage: can(actor, 'staff.manage', { schoolId, roles: s.roles }) })),
		inviteRoles: invitableRoles(actor, schoolId),
		canViewLog: can(actor, 'security_log.view', { schoolId }),
		removed: removed === 'account' || removed === 'from_school' ? removed : null
	};
};

export const actions: Actions = {
	invite: async ({ locals, params, request }) => {
		const actor = locals.user!;
		const { schoolId } = params;
		if (!can(actor, 'staff.invite', { schoolId })) error(404, 'Not found');
		const form = await request.formData();
		const parsed = parseForm(inviteForm, form);
		const values = { email: String(form.get('email') ?? ''), role: String(form.get('role') ?? '') };
		if (parsed.errors) return fail(400, { values, errors: parsed.errors });
		const { email, role } = parsed.data;
		if (!invitableRoles(actor, schoolId).includes(role)) error(404, 'Not found');
		const db = database();
		const school = await schools.find(db, schoolId);
		if (!school) error(404, 'Not found');
		const link = await invitations.create(db, { email, schoolId, role, inviterId: actor.id, origin: config().ORIGIN });
		const hours = config().INVITATION_TTL_HOURS;
		const sent = await mail.send(mail.invitationMail({ to: email, schoolName: school.name, role, link, hours }));
		// The link goes back only to the inviter, and only when no mail carried it.
		return { invited: { email, hours, link: sent ? null : link } };
	}
};
