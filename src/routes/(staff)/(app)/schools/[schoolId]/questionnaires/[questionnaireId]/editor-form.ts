import type { ChoiceOption, QuestionType } from '$lib/server/db/schema';
import { MAX_QUESTIONS, versionSchema, type VersionInput } from '$lib/server/questionnaires/question-schema';

/*
 * The editor's form as it was typed: moving, adding and removing questions work on this draft
 * (posted whole, so nothing typed is lost without JavaScript) and only Save writes it.
 */

export interface DraftQuestion {
	type: string;
	promptNl: string;
	promptEn: string;
	theme: string;
	/** One choice per line, "Dutch | English". */
	options: string;
	/** Randomized response (issue 15): a checkbox, so absent from the form when off. */
	randomized: boolean;
}

export interface Draft {
	titleNl: string;
	titleEn: string;
	questions: DraftQuestion[];
}

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
};

export function readDraft(form: FormData): Draft {
	const questions: DraftQuestion[] = [];
	// One past the maximum, so a forged longer form is refused by the schema rather than cut.
	for (let i = 0; i <= MAX_QUESTIONS && form.has(`q.${i}.type`); i++) {
		const field = (name: string) => text(form, `q.${i}.${name}`);
		questions.push({
			type: field('type'),
			promptNl: field('promptNl'),
			promptEn: field('promptEn'),
			theme: field('theme'),
			options: field('options'),
			randomized: form.has(`q.${i}.randomized`)
		});
	}
	return { titleNl: text(form, 'titleNl'), titleEn: text(form, 'titleEn'), questions };
}

export function draftOf(version: { titleNl: string; titleEn: string }, questions: Array<{ type: QuestionType; promptNl: string; promptEn: string; theme: string | null; options: ChoiceOption[] | null; randomized: boolean }>): Draft {
	return {
		titleNl: version.titleNl,
		titleEn: version.titleEn,
		questions: questions.map((q) => ({
			type: q.type,
			promptNl: q.promptNl,
			promptEn: q.promptEn,
			theme: q.theme ?? '',
			options: (q.options ?? []).map((o) => `${o.nl} | ${o.en}`).join('\n'),
			randomized: q.randomized
		}))
	};
}

export const emptyQuestion: DraftQuestion = { type: 'agree5', promptNl: '', promptEn: '', theme: '', options: '', randomized: false };

function parseOptions(value: string): ChoiceOption[] | 'option_format' {
	const lines = value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
	const options: ChoiceOption[] = [];
	for (const line of lines) {
		const bar = line.indexOf('|');
		if (bar < 0) return 'option_format';
		options.push({ nl: line.slice(0, bar).trim(), en: line.slice(bar + 1).trim() });
	}
	return options;
}

/** The draft as validated content, or error codes by field name (`titleNl`, `q.2.options`, `form`). */
export function parseDraft(draft: Draft): { data: VersionInput; errors?: undefined } | { data?: undefined; errors: Record<string, string> } {
	const errors: Record<string, string> = {};
	const questions = draft.questions.map((q, i) => {
		const options = parseOptions(q.options);
		if (options === 'option_format') errors[`q.${i}.options`] = options;
		return {
			type: q.type,
			promptNl: q.promptNl,
			promptEn: q.promptEn,
			theme: q.theme.trim() || null,
			options: options === 'option_format' ? [] : options,
			randomized: q.randomized
		};
	});
	const result = versionSchema.safeParse({ titleNl: draft.titleNl, titleEn: draft.titleEn, questions });
	for (const issue of result.error?.issues ?? []) {
		const [head, index, field] = issue.path;
		const name = head !== 'questions' ? String(head) : index === undefined ? 'form' : `q.${String(index)}.${String(field ?? 'type')}`;
		errors[name] ??= issue.message;
	}
	if (Object.keys(errors).length > 0 || !result.success) return { errors };
	return { data: result.data };
}
