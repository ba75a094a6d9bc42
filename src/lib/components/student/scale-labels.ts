import { m } from '$lib/paraglide/messages';
import type { QuestionType } from '$lib/server/db/schema';

export interface ScaleStep {
	value: number;
	label: string;
	/** A face for the smiley scales, read out by its label rather than as an emoji. */
	face?: string;
}

/** The steps a scale question offers, with their words in the page's language. */
export function scaleSteps(type: QuestionType): ScaleStep[] {
	switch (type) {
		case 'agree5':
			return [m.scale_agree_1(), m.scale_agree_2(), m.scale_agree_3(), m.scale_agree_4(), m.scale_agree_5()].map((label, i) => ({ value: i + 1, label }));
		case 'smiley3':
			return [
				{ value: 1, label: m.scale_smiley_sad(), face: '☹️' },
				{ value: 2, label: m.scale_smiley_neutral(), face: '😐' },
				{ value: 3, label: m.scale_smiley_happy(), face: '🙂' }
			];
		case 'smiley5':
			return [
				{ value: 1, label: m.scale_smiley_very_sad(), face: '😞' },
				{ value: 2, label: m.scale_smiley_sad(), face: '☹️' },
				{ value: 3, label: m.scale_smiley_neutral(), face: '😐' },
				{ value: 4, label: m.scale_smiley_happy(), face: '🙂' },
				{ value: 5, label: m.scale_smiley_very_happy(), face: '😄' }
			];
		case 'rating10':
			return Array.from({ length: 11 }, (_, value) => ({ value, label: String(value) }));
		default:
			return [];
	}
}
