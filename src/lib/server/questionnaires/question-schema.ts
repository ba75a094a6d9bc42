import { z } from 'zod';
import { isRandomizable } from '../../randomized-response';
import { questionTypes, type QuestionType } from '../db/schema';

/*
 * What a questionnaire version may hold. Messages are codes the editor turns into sentences.
 * The limits keep a questionnaire answerable on a phone within a lesson.
 */

export const MAX_QUESTIONS = 30;
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;

const choiceTypes: readonly QuestionType[] = ['single_choice', 'multiple_choice'];

export function isChoice(type: QuestionType): boolean {
	return choiceTypes.includes(type);
}

const text = (max: number) => z.string().trim().min(1, 'required').max(max, 'too_long');

export const optionSchema = z.object({ nl: text(100), en: text(100) });

/** A template's key (`safe_climate`) or a school's own, in the same snake_case shape. */
export const themeSchema = z
	.string()
	.trim()
	.max(40, 'too_long')
	.regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'theme_format');

export const questionSchema = z
	.object({
		type: z.enum(questionTypes, { error: 'invalid' }),
		promptNl: text(300),
		promptEn: text(300),
		theme: themeSchema.nullish().transform((v) => v ?? null),
		options: z
			.array(optionSchema)
			.nullish()
			.transform((v) => v ?? null),
		/** Randomized response (issue 15); single-answer types only. */
		randomized: z.boolean().default(false)
	})
	.superRefine((q, ctx) => {
		if (q.randomized && !isRandomizable(q.type)) ctx.addIssue({ code: 'custom', path: ['randomized'], message: 'randomized_not_allowed' });
		if (isChoice(q.type)) {
			const n = q.options?.length ?? 0;
			if (n < MIN_OPTIONS || n > MAX_OPTIONS) ctx.addIssue({ code: 'custom', path: ['options'], message: 'options_count' });
		} else if (q.options !== null && q.options.length > 0) {
			ctx.addIssue({ code: 'custom', path: ['options'], message: 'options_not_allowed' });
		}
	})
	.transform((q) => ({ ...q, options: isChoice(q.type) ? q.options : null }));

export const versionSchema = z.object({
	titleNl: text(200),
	titleEn: text(200),
	questions: z.array(questionSchema).max(MAX_QUESTIONS, 'too_many_questions')
});

export type QuestionInput = z.output<typeof questionSchema>;
export type VersionInput = z.input<typeof versionSchema>;
export type ValidVersion = z.output<typeof versionSchema>;
