import { describe, expect, it } from 'vitest';
import { MAX_QUESTIONS, questionSchema, versionSchema } from '../../src/lib/server/questionnaires/question-schema';
import { templates, themes } from '../../src/lib/server/questionnaires/templates';

const base = { type: 'agree5', promptNl: 'Ik leer veel.', promptEn: 'I learn a lot.' };
const options = (n: number) => Array.from({ length: n }, (_, i) => ({ nl: `Keuze ${i}`, en: `Choice ${i}` }));

function codes(value: unknown): string[] {
	const result = questionSchema.safeParse(value);
	return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}:${i.message}`);
}

describe('question schema', () => {
	it('accepts a scale question and normalises missing theme and options to null (and randomized response to off)', () => {
		expect(questionSchema.parse(base)).toEqual({ ...base, theme: null, options: null, randomized: false });
		expect(questionSchema.parse({ ...base, theme: ' safe_climate ', options: [] })).toMatchObject({ theme: 'safe_climate', options: null });
	});

	it('bounds prompts to 1-300 characters in each language', () => {
		expect(codes({ ...base, promptNl: '   ' })).toEqual(['promptNl:required']);
		expect(codes({ ...base, promptEn: 'x'.repeat(301) })).toEqual(['promptEn:too_long']);
		expect(codes({ ...base, promptEn: 'x'.repeat(300) })).toEqual([]);
	});

	it('refuses an unknown type', () => {
		expect(codes({ ...base, type: 'essay' })).toEqual(['type:invalid']);
	});

	it('needs 2-10 options of 1-100 characters for choice questions', () => {
		for (const type of ['single_choice', 'multiple_choice']) {
			expect(codes({ ...base, type })).toEqual(['options:options_count']);
			expect(codes({ ...base, type, options: options(1) })).toEqual(['options:options_count']);
			expect(codes({ ...base, type, options: options(11) })).toEqual(['options:options_count']);
			expect(codes({ ...base, type, options: options(2) })).toEqual([]);
			expect(codes({ ...base, type, options: options(10) })).toEqual([]);
		}
		expect(codes({ ...base, type: 'single_choice', options: [{ nl: 'Ja', en: '' }, { nl: 'Nee', en: 'No' }] })).toEqual(['options.0.en:required']);
		expect(codes({ ...base, type: 'single_choice', options: [{ nl: 'x'.repeat(101), en: 'Yes' }, { nl: 'Nee', en: 'No' }] })).toEqual(['options.0.nl:too_long']);
	});

	it('refuses options on questions that are not choices', () => {
		for (const type of ['agree5', 'smiley3', 'smiley5', 'rating10', 'one_word']) {
			expect(codes({ ...base, type, options: options(2) })).toEqual(['options:options_not_allowed']);
		}
	});

	it('offers randomized response (privacy, issue 15) on single-answer questions only', () => {
		for (const type of ['agree5', 'smiley3', 'smiley5', 'rating10']) expect(codes({ ...base, type, randomized: true })).toEqual([]);
		expect(codes({ ...base, type: 'single_choice', options: options(3), randomized: true })).toEqual([]);
		expect(codes({ ...base, type: 'multiple_choice', options: options(3), randomized: true })).toEqual(['randomized:randomized_not_allowed']);
		expect(codes({ ...base, type: 'one_word', randomized: true })).toEqual(['randomized:randomized_not_allowed']);
		expect(codes({ ...base, randomized: 'yes' })).toEqual(['randomized:Invalid input: expected boolean, received string']);
	});

	it('takes a template theme or an own snake_case one of at most 40 characters', () => {
		for (const theme of Object.keys(themes)) expect(codes({ ...base, theme })).toEqual([]);
		expect(codes({ ...base, theme: 'eigen_thema_2' })).toEqual([]);
		expect(codes({ ...base, theme: 'a'.repeat(40) })).toEqual([]);
		expect(codes({ ...base, theme: 'a'.repeat(41) })).toEqual(['theme:too_long']);
		for (const theme of ['Safe climate', 'safe-climate', '_safe', 'safe__climate', 'safe_', '2nd', '']) {
			expect(codes({ ...base, theme })).toEqual(['theme:theme_format']);
		}
	});
});

describe('version schema', () => {
	it('allows no questions (a blank questionnaire) up to the maximum', () => {
		expect(versionSchema.safeParse({ titleNl: 'Lijst', titleEn: 'List', questions: [] }).success).toBe(true);
		expect(versionSchema.safeParse({ titleNl: 'Lijst', titleEn: 'List', questions: Array(MAX_QUESTIONS).fill(base) }).success).toBe(true);
		const tooMany = versionSchema.safeParse({ titleNl: 'Lijst', titleEn: 'List', questions: Array(MAX_QUESTIONS + 1).fill(base) });
		expect(tooMany.error?.issues.map((i) => i.message)).toEqual(['too_many_questions']);
	});

	it('needs a title in both languages', () => {
		const result = versionSchema.safeParse({ titleNl: '', titleEn: 'x'.repeat(201), questions: [] });
		expect(result.error?.issues.map((i) => `${i.path.join('.')}:${i.message}`)).toEqual(['titleNl:required', 'titleEn:too_long']);
	});

	it('accepts every built-in template', () => {
		for (const template of Object.values(templates)) expect(versionSchema.safeParse(template).success).toBe(true);
	});
});
