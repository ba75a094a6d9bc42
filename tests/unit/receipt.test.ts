import { describe, expect, it } from 'vitest';
import type { VersionContent } from '../../src/lib/server/questionnaires/content';
import { toIncrements } from '../../src/lib/server/rounds/answers';
import { receiptLines } from '../../src/lib/server/rounds/receipt';

const questionnaire: VersionContent = {
	id: 'v',
	titleNl: 'Les',
	titleEn: 'Lesson',
	questions: [
		{ id: 'a', type: 'agree5', promptNl: 'Ik voel me veilig', promptEn: 'I feel safe', theme: null, options: null, randomized: false },
		{ id: 's', type: 'smiley3', promptNl: 'De les was', promptEn: 'The lesson was', theme: null, options: null, randomized: false },
		{ id: 'c', type: 'single_choice', promptNl: 'Liefst', promptEn: 'Rather', theme: null, options: [{ nl: 'Samen', en: 'Together' }, { nl: 'Alleen', en: 'Alone' }], randomized: false },
		{ id: 'm', type: 'multiple_choice', promptNl: 'Hielp', promptEn: 'Helped', theme: null, options: [{ nl: 'Uitleg', en: 'Explaining' }, { nl: 'Oefenen', en: 'Practice' }], randomized: false },
		{ id: 'w', type: 'one_word', promptNl: 'Eén woord', promptEn: 'One word', theme: null, options: null, randomized: false }
	]
};

describe('the receipt of a submission', () => {
	it('names every counter the stored increments raise, and nothing else, in the student\u2019s language', () => {
		const increments = toIncrements(questionnaire.questions, { a: 4, s: 1, c: 1, m: [0, 1], w: ' Fijn ' });
		if (!Array.isArray(increments)) throw new Error('valid answers');
		const nl = receiptLines(questionnaire, increments, 'nl');
		expect(nl).toEqual([
			{ question: 'Ik voel me veilig', counter: 'Eens' },
			{ question: 'De les was', counter: 'Niet leuk' },
			{ question: 'Liefst', counter: 'Alleen' },
			{ question: 'Hielp', counter: 'Uitleg' },
			{ question: 'Hielp', counter: 'Oefenen' },
			{ question: 'Hielp', counter: 'beantwoord' },
			{ question: 'Eén woord', counter: '"fijn"' }
		]);
		// One line per increment: the receipt is the stored data in words.
		expect(nl).toHaveLength(increments.length);
		expect(receiptLines(questionnaire, increments, 'en')[0]).toEqual({ question: 'I feel safe', counter: 'Agree' });
	});

	it('for a randomized-response question, says that one counter went up by chance without naming it (privacy: it never shows whether the answer was replaced)', () => {
		const randomized: VersionContent = { ...questionnaire, questions: questionnaire.questions.map((q) => (q.id === 'a' ? { ...q, randomized: true } : q)) };
		const lines = [1, 2, 3, 4, 5].map((value) => {
			const increments = toIncrements(randomized.questions, { a: value, s: 3 });
			if (!Array.isArray(increments)) throw new Error('valid answers');
			return receiptLines(randomized, increments, 'nl');
		});
		// Every answer gives the same words: the receipt tells nothing about the answer counted.
		for (const line of lines) expect(line).toEqual([{ question: 'Ik voel me veilig', counter: 'één antwoord, deels door toeval gekozen' }, { question: 'De les was', counter: 'Leuk' }]);
	});

	it('leaves out a skipped question, as the counters do', () => {
		const increments = toIncrements(questionnaire.questions, { a: 2 });
		if (!Array.isArray(increments)) throw new Error('valid answers');
		expect(receiptLines(questionnaire, increments, 'nl')).toEqual([{ question: 'Ik voel me veilig', counter: 'Oneens' }]);
	});
});
