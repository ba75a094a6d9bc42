import { error, fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { database } from '$lib/server/db';
import { questionTypes } from '$lib/server/db/schema';
import { canEdit, copyKind } from '$lib/server/questionnaires/access';
import { MAX_QUESTIONS } from '$lib/server/questionnaires/question-schema';
import * as questionnaires from '$lib/server/questionnaires/questionnaires';
import { themes } from '$lib/server/questionnaires/templates';
import { visibleSchool } from '../../visible-school';
import { draftOf, emptyQuestion, parseDraft, readDraft, type Draft } from './editor-form';
import { editableQuestionnaire, visibleQuestionnaire } from './visible-questionnaire';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = locals.user!;
	const school = await visibleSchool(actor, params.schoolId);
	const questionnaire = await visibleQuestionnaire(actor, school.id, params.questionnaireId);
	return {
		school: { id: school.id, name: school.name },
		questionnaire: { id: questionnaire.id, personal: questionnaire.personal, archived: questionnaire.archived, number: questionnaire.version.number, used: questionnaire.version.used },
		draft: draftOf(questionnaire.version, questionnaire.questions),
		canEdit: canEdit(actor, questionnaire),
		canDuplicate: copyKind(actor, questionnaire) !== null,
		types: questionTypes,
		themes: Object.entries(themes).map(([key, name]) => ({ key, ...name }))
	};
};

/** Moving, adding and removing change only the draft the page shows until it is saved. */
async function editDraft(event: RequestEvent, change: (draft: Draft, index: number) => string | void) {
	await editableQuestionnaire(event.locals.user!, event.params.schoolId, event.params.questionnaireId);
	const form = await event.request.formData();
	const draft = readDraft(form);
	const index = Number(form.get('index'));
	const problem = change(draft, Number.isInteger(index) && index >= 0 && index < draft.questions.length ? index : -1);
	if (problem) return fail(400, { draft, errors: { form: problem } as Record<string, string>, unsaved: true });
	return { draft, unsaved: true };
}

function swap(list: unknown[], a: number, b: number) {
	if (a < 0 || b < 0 || a >= list.length || b >= list.length) return;
	[list[a], list[b]] = [list[b], list[a]];
}

export const actions: Actions = {
	save: async ({ locals, params, request }) => {
		const questionnaire = await editableQuestionnaire(locals.user!, params.schoolId, params.questionnaireId);
		const draft = readDraft(await request.formData());
		const parsed = parseDraft(draft);
		if (parsed.errors) return fail(400, { draft, errors: parsed.errors, unsaved: true });
		const saved = await questionnaires.saveVersion(database(), questionnaire.id, parsed.data);
		return { saved };
	},
	addQuestion: (event) =>
		editDraft(event, (draft) => {
			if (draft.questions.length >= MAX_QUESTIONS) return 'too_many_questions';
			draft.questions.push({ ...emptyQuestion });
		}),
	moveUp: (event) => editDraft(event, (draft, i) => swap(draft.questions, i - 1, i)),
	moveDown: (event) => editDraft(event, (draft, i) => swap(draft.questions, i, i + 1)),
	remove: (event) =>
		editDraft(event, (draft, i) => {
			if (i >= 0) draft.questions.splice(i, 1);
		}),
	duplicate: async ({ locals, params }) => {
		const actor = locals.user!;
		const school = await visibleSchool(actor, params.schoolId);
		const questionnaire = await visibleQuestionnaire(actor, school.id, params.questionnaireId);
		const kind = copyKind(actor, questionnaire);
		if (!kind) error(404, 'Not found');
		const copyId = await questionnaires.duplicate(database(), questionnaire.id, { schoolId: school.id, ownerId: actor.id, personal: kind.personal });
		redirect(303, localizeHref(`/schools/${school.id}/questionnaires/${copyId}`));
	},
	archive: async ({ locals, params }) => {
		const questionnaire = await editableQuestionnaire(locals.user!, params.schoolId, params.questionnaireId);
		await questionnaires.archive(database(), questionnaire.id);
		redirect(303, localizeHref(`/schools/${params.schoolId}/questionnaires`));
	}
};
