import { csvRow } from './csv';
import type { RandomizedResult } from './randomized-response';

/**
 * The round CSV's second table (issue 15): for each shown randomized-response question, the
 * de-biased estimate per choice with its 95% interval. The first table keeps its meaning for
 * every question (n and share as counted), so a randomized question's rows there are the noisy
 * counters; a note line says so and points here.
 */

const notes = {
	nl: (position: number, r: RandomizedResult) =>
		`Vraag ${position}: randomized response (epsilon = ${r.epsilon}; elk antwoord is met kans ${r.keptPercent}% bewaard, anders door toeval vervangen). De aantallen hierboven zijn zo geteld; hieronder de gecorrigeerde schatting (afgekapt op 0-100% en opnieuw op 100% gebracht) met een 95%-interval, dat bij een klas breed is.`,
	en: (position: number, r: RandomizedResult) =>
		`Question ${position}: randomized response (epsilon = ${r.epsilon}; each answer was kept with probability ${r.keptPercent}%, else replaced by chance). The counts above are as counted; below, the de-biased estimate (clipped to 0-100% and rescaled to sum to 100%) with a 95% interval, which is wide for a class.`
};

export function randomizedCsvLines(questions: Array<{ randomized: RandomizedResult | null }>, locale: 'nl' | 'en'): string[] {
	const shown = questions.map((q, i) => ({ position: i + 1, r: q.randomized })).filter((x): x is { position: number; r: RandomizedResult } => x.r !== null);
	if (shown.length === 0) return [];
	const lines = ['', csvRow(['question', 'choice', 'label', 'estimate_percent', 'ci95_low_percent', 'ci95_high_percent'])];
	for (const { position, r } of shown) {
		for (const e of r.estimates) lines.push(csvRow([position, e.choice, e.label, e.share, e.low, e.high]));
		if (r.mean) lines.push(csvRow([position, 'mean', null, r.mean.mean, r.mean.low, r.mean.high]));
	}
	for (const { position, r } of shown) lines.push(`# ${notes[locale](position, r)}`);
	return lines;
}
