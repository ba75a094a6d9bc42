import { describe, expect, it } from 'vitest';
import { normaliseWord, RESPONDENTS, toIncrements, type QuestionSpec } from '../../src/lib/server/rounds/answers';

const options = [
	{ nl: 'Ja', en: 'Yes' },
	{ nl: 'Nee', en: 'No' },
	{ nl: 'Misschien', en: 'Maybe' }
];
const questions: QuestionSpec[] = [
	{ id: 'agree', type: 'agree5', options: null },
	{ id: 'smile', type: 'smiley3', options: null },
	{ id: 'rate', type: 'rating10', options: null },
	{ id: 'one', type: 'single_choice', options },
	{ id: 'many', type: 'multiple_choice', options },
	{ id: 'word', type: 'one_word', options: null }
];

describe('answers to counter increments', () => {
	it('turns each answer into its own counter, with no link between questions (S2)', () => {
		expect(toIncrements(questions, { agree: 4, smile: 3, rate: 0, one: 2, many: [0, 2], word: ' Leuk ' })).toEqual([
			{ questionId: 'agree', choice: '4' },
			{ questionId: 'smile', choice: '3' },
			{ questionId: 'rate', choice: '0' },
			{ questionId: 'one', choice: '2' },
			{ questionId: 'many', choice: '0' },
			{ questionId: 'many', choice: '2' },
			{ questionId: 'many', choice: RESPONDENTS },
			{ questionId: 'word', choice: 'leuk' }
		]);
	});

	it('lets a student skip questions, but not send nothing at all', () => {
		expect(toIncrements(questions, { rate: 7 })).toEqual([{ questionId: 'rate', choice: '7' }]);
		expect(toIncrements(questions, {})).toEqual({ code: 'empty' });
		expect(toIncrements(questions, { word: '' })).toEqual({ code: 'empty' });
	});

	it.each([
		['agree', 0],
		['agree', 6],
		['agree', 2.5],
		['agree', '3'],
		['smile', 4],
		['rate', 11],
		['rate', -1],
		['one', 3],
		['one', [0]],
		['many', []],
		['many', [0, 0]],
		['many', [5]],
		['many', 1]
	])('refuses %s = %j', (questionId, value) => {
		expect(toIncrements(questions, { [questionId]: value })).toEqual({ code: 'invalid_value', questionId });
	});

	it('refuses an unknown question', () => {
		expect(toIncrements(questions, { nope: 1 })).toEqual({ code: 'unknown_question', questionId: 'nope' });
	});

	it('S7: keeps one-word answers to one normalised word of at most 30 characters', () => {
		expect(normaliseWord('  Ÿes ')).toBe('ÿes');
		expect(normaliseWord('zelf-standig')).toBe('zelf-standig');
		expect(normaliseWord("zo'n")).toBe("zo'n");
		expect(normaliseWord('twee woorden')).toBeNull();
		expect(normaliseWord('a'.repeat(31))).toBeNull();
		expect(normaliseWord('<script>')).toBeNull();
		expect(normaliseWord('')).toBeNull();
		expect(toIncrements(questions, { word: 'Veel te saai' })).toEqual({ code: 'invalid_word', questionId: 'word' });
		expect(toIncrements(questions, { word: 42 })).toEqual({ code: 'invalid_word', questionId: 'word' });
	});
});
