import { m } from '$lib/paraglide/messages';

/** What a student reads for each refusal, in the API and on the pages alike. */
const messages = {
	unknown: m.student_error_unknown,
	closed: m.student_error_closed,
	full: m.student_error_full,
	tan_required: m.student_error_tan_required,
	tan_unknown: m.student_error_tan_unknown,
	ballot_used: m.student_error_ballot_used,
	invalid: m.student_error_invalid,
	empty: m.student_error_empty,
	invalid_word: m.student_error_word,
	rate_limited: m.student_error_rate_limited,
	unavailable: m.student_error_unavailable
} as const;

export type StudentRefusal = keyof typeof messages;

export function studentMessage(code: StudentRefusal, locale?: 'nl' | 'en'): string {
	return messages[code]({}, locale ? { locale } : undefined);
}
