import { m } from '$lib/paraglide/messages';

const labels: Record<string, () => string> = {
	agree5: m.questionnaire_type_agree5,
	smiley3: m.questionnaire_type_smiley3,
	smiley5: m.questionnaire_type_smiley5,
	rating10: m.questionnaire_type_rating10,
	single_choice: m.questionnaire_type_single_choice,
	multiple_choice: m.questionnaire_type_multiple_choice,
	one_word: m.questionnaire_type_one_word
};

export function typeLabel(type: string): string {
	return labels[type]?.() ?? type;
}
