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

type Locale = 'nl' | 'en';
const answeredWord = { nl: 'beantwoord', en: 'answered' };
/**
 * Randomized response (issue 15): the receipt names no answer for such a question. The counter
 * that went up is the chosen-by-chance one; naming it would show the student, and anyone
 * looking at the phone, whether the answer was replaced, so the receipt says only what is true
 * of every such submission.
 */
const byChanceWords = { nl: 'één antwoord, deels door toeval gekozen', en: 'one answer, partly chosen by chance' };

interface Labels {
	prompt: string;
	/** A scale step's or option's words by choice; one-word answers are their own words. */
	choices: Map<string, string>;
	randomized: boolean;
}

/**
 * Every submission of a round asks for the same words, so they are worked out once per version
 * and language, for as long as the cached version content lives (as the join's texts are).
 */
const labelTables = new WeakMap<VersionContent, Partial<Record<Locale, Map<string, Labels>>>>();

function labelsOf(questionnaire: VersionContent, locale: Locale): Map<string, Labels> {
	let tables = labelTables.get(questionnaire);
	if (!tables) labelTables.set(questionnaire, (tables = {}));
	return (tables[locale] ??= new Map(
		questionnaire.questions.map((q) => {
			const steps = scaleSteps(q.type, locale).map(({ choice, label }) => [choice, label] as const);
			const options = (q.options ?? []).map((option, i) => [String(i), option[locale]] as const);
			const choices = new Map<string, string>([...steps, ...options, [RESPONDENTS, answeredWord[locale]]]);
			return [q.id, { prompt: locale === 'en' ? q.promptEn : q.promptNl, choices, randomized: q.randomized }];
		})
	));
}

export function receiptLines(questionnaire: VersionContent, increments: Increment[], locale: Locale): ReceiptLine[] {
	const labels = labelsOf(questionnaire, locale);
	return increments.map(({ questionId, choice }) => {
		const question = labels.get(questionId)!;
		if (question.randomized) return { question: question.prompt, counter: byChanceWords[locale] };
		return { question: question.prompt, counter: question.choices.get(choice) ?? `"${choice}"` };
	});
}
