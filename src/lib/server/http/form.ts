import { z } from 'zod';
import { passwordProblem } from '../auth/passwords';

/** A field's problem as a code the page turns into a sentence in the user's language. */
export type FieldErrors = Record<string, string>;

/**
 * Parses a form with a zod schema. Issue messages in the schemas are codes (`required`,
 * `email`, ...), not sentences: the page renders them next to the field, translated.
 */
export function parseForm<S extends z.ZodType>(
	schema: S,
	form: FormData
): { data: z.infer<S>; errors?: undefined } | { data?: undefined; errors: FieldErrors } {
	const values: Record<string, unknown> = {};
	for (const [key, value] of form) {
		if (typeof value !== 'string') continue;
		values[key] = key in values ? ([] as unknown[]).concat(values[key], value) : value;
	}
	const result = schema.safeParse(values);
	if (result.success) return { data: result.data };
	const errors: FieldErrors = {};
	for (const issue of result.error.issues) {
		const field = String(issue.path[0] ?? 'form');
		errors[field] ??= issue.message;
	}
	return { errors };
}

/** Shared field schemas: their messages are the codes listed in FieldError.svelte. */
export const fields = {
	email: z.string().trim().toLowerCase().max(254, 'too_long').pipe(z.email('email')),
	name: z.string().trim().max(100, 'too_long').optional(),
	requiredText: z.string().trim().min(1, 'required').max(200, 'too_long'),
	newPassword: z.string().superRefine((value, ctx) => {
		const problem = passwordProblem(value);
		if (problem) ctx.addIssue({ code: 'custom', message: `password_${problem}` });
	})
};
