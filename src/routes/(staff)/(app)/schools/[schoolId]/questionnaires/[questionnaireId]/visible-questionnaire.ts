import { error } from '@sveltejs/kit';
import { database } from '$lib/server/db';
import type { Actor } from '$lib/server/policy';
import { canEdit, canView } from '$lib/server/questionnaires/access';
import * as questionnaires from '$lib/server/questionnaires/questionnaires';

/** The questionnaire if the actor may see it in this school; anything else is "not found". */
export async function visibleQuestionnaire(actor: Actor, schoolId: string, questionnaireId: string) {
	const questionnaire = await questionnaires.load(database(), questionnaireId);
	if (!questionnaire || questionnaire.schoolId !== schoolId || !canView(actor, questionnaire)) error(404, 'Not found');
	return questionnaire;
}

/** For actions: the questionnaire if the actor may change it, else "not found". */
export async function editableQuestionnaire(actor: Actor, schoolId: string, questionnaireId: string) {
	const questionnaire = await visibleQuestionnaire(actor, schoolId, questionnaireId);
	if (!canEdit(actor, questionnaire)) error(404, 'Not found');
	return questionnaire;
}
