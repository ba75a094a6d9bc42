import { csvDocument, csvRow } from './csv';
import type { Locale } from './round-results';
import type { TrendFamily } from './themes';

const headings = {
	nl: { family: 'Vragenlijst', date: 'Datum', n: 'Aantal antwoorden', suppressed: 'Een lege score: minder dan k antwoorden op dat thema, of niet gevraagd.' },
	en: { family: 'Questionnaire', date: 'Date', n: 'Responses', suppressed: 'An empty score: fewer than k answers on that theme, or not asked.' }
};

/**
 * A group's trends as CSV: one row per closed round and questionnaire, a column per theme score
 * (0-100). Made from the page's own `TrendFamily`, so a score the page hides is empty here too.
 */
export function trendsCsv(families: TrendFamily[], locale: Locale): string {
	const words = headings[locale];
	const themes = [...new Map(families.flatMap((f) => f.themes).map((t) => [t.key, t.name])).entries()];
	const lines = [`# ${words.suppressed}`, csvRow([words.family, words.date, words.n, ...themes.map(([, name]) => name)])];
	for (const family of families) {
		for (const round of family.rounds) {
			lines.push(csvRow([family.title, round.openedAt.toISOString().slice(0, 10), round.n, ...themes.map(([key]) => round.scores[key] ?? null)]));
		}
	}
	return csvDocument(lines);
}
