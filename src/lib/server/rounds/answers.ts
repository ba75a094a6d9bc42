import type { ChoiceOption, QuestionType } from '../db/schema';

/**
 * Turns one student's answers into counter increments (PRIVACY.md S2): the only thing stored.
 * Pure, so the API validates a submission completely before it reaches the batch writer.
 */

export interface QuestionSpec {
	id: string;
	type: QuestionType;
	options: ChoiceOption[] | null;
}

export interface Increment {
	questionId: string;
	choice: string;
}

/** Multiple-choice questions also count how many students answered them, as this choice. */
export const RESPONDENTS = '_n';
export const ONE_WORD_MAX = 30;

export type AnswerProblem =
	| { code: 'empty' }
	| { code: 'unknown_question'; questionId: string }
	| { code: 'invalid_value'; questionId: string }
	| { code: 'invalid_word'; questionId: string };

const scaleRange: Partial<Record<QuestionType, [number, number]>> = {
	agree5: [1, 5],
	smiley3: [1, 3],
	smiley5: [1, 5],
	rating10: [0, 10]
};

/**
 * The choices a single-answer question counts, as counter keys: the scale's values or the
 * option indexes. Empty for multiple choice and one word (randomized response needs a list).
 */
export function singleAnswerChoices(question: QuestionSpec): string[] {
	const range = scaleRange[question.type];
	if (range) return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => String(range[0] + i));
	if (question.type === 'single_choice') return (question.options ?? []).map((_, i) => String(i));
	return [];
}

/** S7: one lower-case word of letters, digits, hyphens or apostrophes; no spaces, at most 30 characters. */
export function normaliseWord(input: string): string | null {
	const word = input.normalize('NFC').trim().toLocaleLowerCase('nl');
	if (word.length === 0 || word.length > ONE_WORD_MAX) return null;
	return /^[\p{L}\p{N}'-]+$/u.test(word) ? word : null;
}

function isIndex(value: unknown, options: ChoiceOption[] | null): value is number {
	return Number.isInteger(value) && (value as number) >= 0 && (value as number) < (options?.length ?? 0);
}

function incrementsFor(question: QuestionSpec, value: unknown): Increment[] | AnswerProblem {
	const questionId = question.id;
	const range = scaleRange[question.type];
	if (range) {
		const ok = Number.isInteger(value) && (value as number) >= range[0] && (value as number) <= range[1];
		return ok ? [{ questionId, choice: String(value) }] : { code: 'invalid_value', questionId };
	}
	switch (question.type) {
		case 'single_choice':
			return isIndex(value, question.options) ? [{ questionId, choice: String(value) }] : { code: 'invalid_value', questionId };
		case 'multiple_choice': {
			const picked = Array.isArray(value) ? value : [];
			const distinct = new Set(picked);
			if (picked.length === 0 || distinct.size !== picked.length || !picked.every((v) => isIndex(v, question.options))) {
				return { code: 'invalid_value', questionId };
			}
			return [...picked.map((v) => ({ questionId, choice: String(v) })), { questionId, choice: RESPONDENTS }];
		}
		case 'one_word': {
			const word = typeof value === 'string' ? normaliseWord(value) : null;
			return word ? [{ questionId, choice: word }] : { code: 'invalid_word', questionId };
		}
		default:
			return { code: 'invalid_value', questionId };
	}
}

/** Every answered question becomes increments; skipped questions are simply absent. */
export function toIncrements(questions: QuestionSpec[], answers: Record<string, unknown>): Increment[] | AnswerProblem {
	const byId = new Map(questions.map((q) => [q.id, q]));
	const entries = Object.entries(answers).filter(([, v]) => v !== null && v !== undefined && v !== '');
	if (entries.length === 0) return { code: 'empty' };
	const increments: Increment[] = [];
	for (const [questionId, value] of entries) {
		const question = byId.get(questionId);
		if (!question) return { code: 'unknown_question', questionId };
		const result = incrementsFor(question, value);
		if (!Array.isArray(result)) return result;
		increments.push(...result);
	}
	return increments;
}
