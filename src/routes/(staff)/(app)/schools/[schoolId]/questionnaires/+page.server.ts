import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { parseForm } from '$lib/server/http/form';
import type { Actor } from '$lib/server/policy';
import { canCreate } from '$lib/server/questionnaires/access';
import { versionSchema } from '$lib/server/questionnaires/question-schema';
import * as questionnaires from '$lib/server/questionnaires/questionnaires';
import { templateKeys, templates } from '$lib/server/questionnaires/templates';
import { visibleSchool } from '../visible-school';
import type { Actions, PageServerLoad } from './$types';

const kind = z.enum(['school', 'personal'], { error: 'required' });
const templateForm = z.object({ template: z.enum(templateKeys), kind });
const blankForm = versionSchema.pick({ titleNl: true, titleEn: true }).extend({ kind });

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = locals.user!;
	const school = await visibleSchool(actor, params.schoolId);
	const list = await questionnaires.listForActor(database(), actor, school.id);
	return {
		school: { id: school.id, name: school.name },
		questionnaires: list.map((q) => ({ id: q.id, personal: q.personal, number: q.number, titleNl: q.titleNl, titleEn: q.titleEn, questionCount: q.questionCount, used: q.used })),
		templates: templateKeys.map((key) => ({ key, titleNl: templates[key].titleNl, titleEn: templates[key].titleEn, questionCount: templates[key].questions.length })),
		canCreateSchool: canCreate(actor, school.id, false),
		canCreatePersonal: canCreate(actor, school.id, true)
	};
};

/** The new questionnaire's owner, after checking the actor may create that kind here. */
function owner(actor: Actor, schoolId: string, kind: 'school' | 'personal') {
	const personal = kind === 'personal';
	if (!canCreate(actor, schoolId, personal)) error(404, 'Not found');
	return { schoolId, personal, ownerId: personal ? actor.id : null };
}

export const actions: Actions = {
	fromTemplate: async ({ locals, params, request }) => {
		const school = await visibleSchool(locals.user!, params.schoolId);
		const parsed = parseForm(templateForm, await request.formData());
		if (parsed.errors) error(400, 'Bad request');
		const id = await questionnaires.createFromTemplate(database(), { ...owner(locals.user!, school.id, parsed.data.kind), templateKey: parsed.data.template });
		redirect(303, localizeHref(`/schools/${school.id}/questionnaires/${id}`));
	},
	blank: async ({ locals, params, request }) => {
		const school = await visibleSchool(locals.user!, params.schoolId);
		const form = await request.formData();
		const parsed = parseForm(blankForm, form);
		if (parsed.errors) return fail(400, { values: { titleNl: form.get('titleNl'), titleEn: form.get('titleEn') }, errors: parsed.errors });
		const { kind, ...titles } = parsed.data;
		const id = await questionnaires.createBlank(database(), { ...owner(locals.user!, school.id, kind), ...titles });
		redirect(303, localizeHref(`/schools/${school.id}/questionnaires/${id}`));
	}
};
