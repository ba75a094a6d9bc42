import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { parseForm, type FieldErrors } from '$lib/server/http/form';
import * as groups from '$lib/server/org/groups';
import * as schools from '$lib/server/org/schools';
import { can, type Actor } from '$lib/server/policy';
import { groupForm } from '../group-form';
import type { Actions, PageServerLoad } from './$types';

const assignForm = z.object({
	// A checkbox list: absent when none is ticked, one string for one, an array for more.
	teacherIds: z
		.union([z.string(), z.array(z.string())])
		.optional()
		.transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
});
const removeForm = z.object({ confirm: z.literal('yes', 'confirm') });

/** Another school's group, or one the actor may not see, is "not found": its id tells nothing. */
async function visibleGroup(actor: Actor, groupId: string) {
	const group = await groups.find(database(), groupId);
	if (!group || !can(actor, 'group.view', { schoolId: group.schoolId, teacherIds: group.teacherIds })) error(404, 'Not found');
	return group;
}

async function managedGroup(actor: Actor, groupId: string) {
	const group = await visibleGroup(actor, groupId);
	if (!can(actor, 'groups.manage', { schoolId: group.schoolId })) error(404, 'Not found');
	return group;
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = locals.user!;
	const db = database();
	const group = await visibleGroup(actor, params.groupId);
	const canManage = can(actor, 'groups.manage', { schoolId: group.schoolId });
	return {
		group: { id: group.id, name: group.name, yearLevel: group.yearLevel, size: group.size, teacherIds: group.teacherIds },
		school: await schools.find(db, group.schoolId),
		teachers: await groups.teachers(db, group.id),
		canManage,
		schoolTeachers: canManage ? await schools.teachersOf(db, group.schoolId) : []
	};
};

export const actions: Actions = {
	update: async ({ locals, params, request }) => {
		const group = await managedGroup(locals.user!, params.groupId);
		const form = await request.formData();
		const values = { name: form.get('name'), yearLevel: form.get('yearLevel'), size: form.get('size') };
		const parsed = parseForm(groupForm, form);
		if (parsed.errors) return fail(400, { action: 'update' as const, values, errors: parsed.errors, duplicate: false });
		const result = await groups.update(database(), group.id, parsed.data);
		if (result === 'not_found') error(404, 'Not found');
		if (result === 'duplicate') return fail(400, { action: 'update' as const, values, errors: {} as FieldErrors, duplicate: true });
		return { action: 'update' as const, done: true };
	},
	assign: async ({ locals, params, request }) => {
		const group = await managedGroup(locals.user!, params.groupId);
		const parsed = parseForm(assignForm, await request.formData());
		if (parsed.errors) return fail(400, { action: 'assign' as const, refused: true });
		const result = await groups.assignTeachers(database(), group.id, parsed.data.teacherIds);
		if (!result) error(404, 'Not found');
		if (result.refused.length > 0) return fail(400, { action: 'assign' as const, refused: true });
		return { action: 'assign' as const, done: true };
	},
	remove: async ({ locals, params, request }) => {
		const group = await managedGroup(locals.user!, params.groupId);
		const parsed = parseForm(removeForm, await request.formData());
		if (parsed.errors) return fail(400, { action: 'remove' as const, errors: parsed.errors });
		await groups.remove(database(), group.id);
		redirect(303, localizeHref(`/schools/${group.schoolId}/groups`));
	}
};
