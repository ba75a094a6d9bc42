import { json } from '@sveltejs/kit';
import { studentMessage, type StudentRefusal } from '$lib/student-messages';
import type { Joined } from '../rounds/student-flow';
import { apiError } from './respond';

/** HTTP status of each refusal of the student API (docs/api.md). */
export const refusalStatus: Record<StudentRefusal, number> = {
	unknown: 404,
	tan_unknown: 404,
	closed: 410,
	full: 409,
	ballot_used: 409,
	tan_required: 403,
	invalid: 400,
	empty: 400,
	invalid_word: 400,
	rate_limited: 429,
	unavailable: 503
};

export function refuse(code: StudentRefusal, locale: 'nl' | 'en'): Response {
	return apiError(refusalStatus[code], code, studentMessage(code, locale));
}

/** The joined round as the API returns it: texts in the request's language, nothing else. */
export function joinedBody(joined: Joined, locale: 'nl' | 'en') {
	const q = joined.questionnaire;
	return json(
		{
			round: { id: joined.roundId },
			questionnaire: {
				title: locale === 'en' ? q.titleEn : q.titleNl,
				questions: q.questions.map((question) => ({
					id: question.id,
					type: question.type,
					prompt: locale === 'en' ? question.promptEn : question.promptNl,
					options: question.options?.map((o) => (locale === 'en' ? o.en : o.nl)) ?? null
				}))
			},
			ballot: joined.ballot
		},
		{ headers: { 'Cache-Control': 'no-store' } }
	);
}
