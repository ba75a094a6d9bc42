import { fieldErrorText } from '$lib/components/field-error';
import { m } from '$lib/paraglide/messages';

/** The editor's own error codes (question-schema.ts, editor-form.ts); the shared ones otherwise. */
const messages: Record<string, () => string> = {
	options_count: m.questionnaire_error_options_count,
	options_not_allowed: m.questionnaire_error_options_not_allowed,
	option_format: m.questionnaire_error_option_format,
	theme_format: m.questionnaire_error_theme_format,
	randomized_not_allowed: m.questionnaire_error_randomized_not_allowed,
	too_many_questions: m.questionnaire_error_too_many
};

export function editorErrorText(code: string | undefined): string | undefined {
	return code && messages[code] ? messages[code]() : fieldErrorText(code);
}
