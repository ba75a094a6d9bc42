import type { VersionContent } from '../questionnaires/content';
import { scaleSteps } from '../reporting/scale-labels';
import { RESPONDENTS, type Increment } from './answers';

/**
 * The thank-you page's "what we kept" (issue 15): the counters one submission raised by one,
 * in words a student of 8 to 18 reads, made from the very increments the batch writer adds up.
 * Besides these, only the round's number of responses goes up; nothing else is kept.
 */
export interface ReceiptLine {
	question: string;
	counter: string;
}

const answeredWord = { nl: 'beantwoord', en: 'answered' };

export function receiptLines(questionnaire: VersionContent, increments: Increment[], locale: 'nl' | 'en'): ReceiptLine[] {
	const byId = new Map(questionnaire.questions.map((q) => [q.id, q]));
	return increments.map(({ questionId, choice }) => {
		const question = byId.get(questionId)!;
		const prompt = locale === 'en' ? question.promptEn : question.promptNl;
		if (choice === RESPONDENTS) return { question: prompt, counter: answeredWord[locale] };
		const option = question.options?.[Number(choice)];
		const step = scaleSteps(question.type, locale).find((s) => s.choice === choice);
		const counter = question.type === 'one_word' ? `"${choice}"` : (step?.label ?? (option ? option[locale] : choice));
		return { question: prompt, counter };
	});
}
