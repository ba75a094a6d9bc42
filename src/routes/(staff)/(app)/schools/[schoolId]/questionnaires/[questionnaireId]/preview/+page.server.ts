import { visibleSchool } from '../../../visible-school';
import { visibleQuestionnaire } from '../visible-questionnaire';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = locals.user!;
	const school = await visibleSchool(actor, params.schoolId);
	const questionnaire = await visibleQuestionnaire(actor, school.id, params.questionnaireId);
	return {
		schoolId: school.id,
		questionnaire: {
			id: questionnaire.id,
			titleNl: questionnaire.version.titleNl,
			titleEn: questionnaire.version.titleEn,
			questions: questionnaire.questions.map((q) => ({ id: q.id, type: q.type, promptNl: q.promptNl, promptEn: q.promptEn, options: q.options ?? [], randomized: q.randomized }))
		}
	};
};
