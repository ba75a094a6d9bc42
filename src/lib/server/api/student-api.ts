import { studentMessage, type StudentRefusal } from '$lib/student-messages';
import type { VersionContent } from '../questionnaires/content';
import type { Joined } from '../rounds/student-flow';
import { apiError, type ApiReply } from './respond';

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

export function refuse(code: StudentRefusal, locale: 'nl' | 'en'): ApiReply {
	return apiError(refusalStatus[code], code, studentMessage(code, locale));
}

/**
 * The questionnaire part of a join's answer, serialised once per version and language: every
 * join of a round sends the same text, and building it anew was the largest share of the
 * join's garbage. Keyed by the cached content object, so it lives exactly as long as that.
 */
const questionnaireTexts = new WeakMap<VersionContent, Partial<Record<'nl' | 'en', string>>>();

function questionnaireText(q: VersionContent, locale: 'nl' | 'en'): string {
	let texts = questionnaireTexts.get(q);
	if (!texts) questionnaireTexts.set(q, (texts = {}));
	return (texts[locale] ??= JSON.stringify({
		title: locale === 'en' ? q.titleEn : q.titleNl,
		questions: q.questions.map((question) => ({
			id: question.id,
			type: question.type,
			prompt: locale === 'en' ? question.promptEn : question.promptNl,
			options: question.options?.map((o) => (locale === 'en' ? o.en : o.nl)) ?? null,
			randomized: question.randomized
		}))
	}));
}

/** The joined round as the API returns it: texts in the request's language, nothing else. */
export function joinedReply(joined: Joined, locale: 'nl' | 'en'): ApiReply {
	return {
		status: 200,
		body: `{"round":{"id":${JSON.stringify(joined.roundId)}},"questionnaire":${questionnaireText(joined.questionnaire, locale)},"ballot":${JSON.stringify(joined.ballot)}}`
	};
}
