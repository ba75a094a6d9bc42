import type { QuestionType } from '../db/schema';

/*
 * The words of the answer scales for reports and exports, in the report's language. They are
 * the student page's words (messages scale_*); kept here because server modules do not use
 * Paraglide, so a CSV or a command-line report gets the same labels as the page.
 */

type Words = { nl: string; en: string };

const agree: Words[] = [
	{ nl: 'Helemaal oneens', en: 'Strongly disagree' },
	{ nl: 'Oneens', en: 'Disagree' },
	{ nl: 'Neutraal', en: 'Neutral' },
	{ nl: 'Eens', en: 'Agree' },
	{ nl: 'Helemaal eens', en: 'Strongly agree' }
];
const veryBad = { nl: 'Helemaal niet leuk', en: 'Not good at all' };
const bad = { nl: 'Niet leuk', en: 'Not good' };
const neutral = { nl: 'Gaat wel', en: 'Okay' };
const good = { nl: 'Leuk', en: 'Good' };
const veryGood = { nl: 'Heel leuk', en: 'Very good' };

/** The values ('1'..'5', '0'..'10') a scale question counts, lowest first, with their words. */
export function scaleSteps(type: QuestionType, locale: 'nl' | 'en'): Array<{ choice: string; label: string }> {
	const words = (list: Words[], first = 1) => list.map((w, i) => ({ choice: String(first + i), label: w[locale] }));
	switch (type) {
		case 'agree5':
			return words(agree);
		case 'smiley3':
			return words([bad, neutral, good]);
		case 'smiley5':
			return words([veryBad, bad, neutral, good, veryGood]);
		case 'rating10':
			return Array.from({ length: 11 }, (_, value) => ({ choice: String(value), label: String(value) }));
		default:
			return [];
	}
}
