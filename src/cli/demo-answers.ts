import type { ChoiceOption, QuestionType } from '../lib/server/db/schema';
import type { TemplateKey } from '../lib/server/questionnaires/templates';

/**
 * The simulated class of the demo (`demo.ts`): when rounds happen and what pupils answer.
 * Everything comes from one seeded generator, so the same seed and date give the same
 * school, and screenshots of its dashboards stay stable.
 */

export interface Random {
	/** Uniform in [0, 1). */
	next(): number;
	/** Uniform integer in [min, max]. */
	int(min: number, max: number): number;
	normal(): number;
	pick<T>(list: readonly T[]): T;
}

/** mulberry32: tiny, fast and good enough for made-up answers (not for anything secret). */
export function createRandom(seed: number): Random {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
	return {
		next,
		int: (min, max) => min + Math.floor(next() * (max - min + 1)),
		// Box-Muller; 1 - next() keeps the logarithm away from 0.
		normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
		pick: (list) => list[Math.floor(next() * list.length)]!
	};
}

/** FNV-1a: a stable number for a string, to derive per-question traits that do not shift when the plan changes. */
function hash(text: string): number {
	let h = 0x811c9dc5;
	for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 0x01000193);
	return h >>> 0;
}

export interface GroupProfile {
	name: string;
	yearLevel: number;
	/** 0 or 1: which of the two demo teachers. */
	teacher: 0 | 1;
	/** Pupils present at a round. */
	size: [number, number];
	/** Mean answer on a 1-5 scale in September, and how far it moves by the last round. */
	base: number;
	trend: number;
	/** Themes this group rates higher or lower than its mean. */
	themes: Partial<Record<string, number>>;
	/** The questionnaires its rounds use, in turn. */
	cycle: TemplateKey[];
}

/** Five groups, each with a story a dashboard can show. Groep 8b stays below k on purpose. */
export const groupProfiles: GroupProfile[] = [
	{ name: 'Groep 5', yearLevel: 5, teacher: 0, size: [22, 27], base: 4.1, trend: 0.1, themes: { wellbeing: 0.2 }, cycle: ['young_pupils', 'exit_ticket', 'young_pupils', 'lesson_mirror'] },
	{ name: 'Groep 6', yearLevel: 6, teacher: 0, size: [20, 25], base: 3.4, trend: 0.5, themes: { clear_explanation: -0.4 }, cycle: ['lesson_mirror', 'young_pupils', 'exit_ticket'] },
	// A restless class that calms down over the year.
	{ name: 'Groep 7', yearLevel: 7, teacher: 1, size: [24, 30], base: 3.0, trend: 0.9, themes: { classroom_management: -0.8, safe_climate: -0.3 }, cycle: ['lesson_mirror', 'exit_ticket', 'lesson_mirror'] },
	// Keen in the autumn, tired of school by spring.
	{ name: 'Groep 8', yearLevel: 8, teacher: 1, size: [18, 24], base: 3.9, trend: -0.6, themes: { readiness_to_learn: -0.4, differentiation: 0.3 }, cycle: ['lesson_mirror', 'exit_ticket'] },
	{ name: 'Groep 8b', yearLevel: 8, teacher: 1, size: [3, 4], base: 3.5, trend: 0, themes: {}, cycle: ['exit_ticket', 'lesson_mirror'] }
];

const DAY = 86_400_000;

/**
 * The first day of the demo's history: 1 September of the current school year, or of the one
 * before when the current one began less than half a year ago, so a trend is always visible.
 */
export function historyStart(now: Date): Date {
	let year = now.getMonth() >= 8 ? now.getFullYear() : now.getFullYear() - 1;
	if (now.getTime() - new Date(year, 8, 1).getTime() < 182 * DAY) year -= 1;
	return new Date(year, 8, 1);
}

/** Moves a day out of the weekend and the Christmas and summer holidays (spread, so groups do not all meet on day one). */
function schoolDay(random: Random, day: Date): Date {
	const d = new Date(day);
	if (d.getMonth() === 11 && d.getDate() >= 20) d.setFullYear(d.getFullYear() + 1, 0, random.int(5, 12));
	else if (d.getMonth() === 0 && d.getDate() < 5) d.setDate(random.int(5, 12));
	else if ((d.getMonth() === 6 && d.getDate() >= 11) || d.getMonth() === 7) d.setMonth(8, random.int(1, 14));
	while (d.getDay() === 0 || d.getDay() === 6) d.setDate(d.getDate() + 1);
	return d;
}

/** A round every three to four weeks, in lesson time, each lasting 10-25 minutes, ending before `now`. */
export function roundTimes(random: Random, start: Date, now: Date): Array<{ openedAt: Date; closedAt: Date }> {
	const times: Array<{ openedAt: Date; closedAt: Date }> = [];
	let day = new Date(start.getTime() + random.int(3, 14) * DAY);
	for (;;) {
		day = schoolDay(random, day);
		const openedAt = new Date(day);
		openedAt.setHours(random.int(8, 14), random.pick([0, 15, 30, 45]), 0, 0);
		const closedAt = new Date(openedAt.getTime() + random.int(10, 25) * 60_000);
		if (closedAt.getTime() >= now.getTime() - DAY) return times;
		times.push({ openedAt, closedAt });
		day = new Date(day.getTime() + random.int(21, 28) * DAY);
	}
}

export interface DemoQuestion {
	id: string;
	type: QuestionType;
	theme: string | null;
	promptNl: string;
	options: ChoiceOption[] | null;
}

/** Short, common words so that terms repeat (a term is shown only when two pupils gave it). */
const words = {
	good: ['leuk', 'gezellig', 'leerzaam', 'duidelijk', 'interessant', 'fijn', 'spannend', 'goed'],
	middle: ['oké', 'normaal', 'rustig', 'lang', 'prima'],
	bad: ['saai', 'moeilijk', 'druk', 'lastig', 'moe', 'onduidelijk']
} as const;

/** Single-choice index for "could I go to my teacher": yes, sometimes, no, or no help needed. */
function helpChoice(random: Random, latent: number): number {
	if (random.next() < 0.2) return 3;
	return latent >= 3.6 ? 0 : latent >= 2.5 ? 1 : 2;
}

function clampRound(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * One pupil's answers to a round, as the student page would send them: a value per question,
 * about one in ten skipped, never all. `progress` runs from 0 (September) to 1 (the last round).
 */
export function simulatePupil(random: Random, profile: GroupProfile, questions: DemoQuestion[], progress: number, roundMood: number): Record<string, unknown> {
	const pupilMood = random.normal() * 0.55;
	const answers: Record<string, unknown> = {};
	for (const question of questions) {
		if (random.next() < 0.1) continue;
		// A fixed lean per question and group: some statements get lower marks than others.
		const lean = ((hash(`${profile.name}|${question.promptNl}`) % 1000) / 1000 - 0.5) * 0.6;
		const mean = profile.base + profile.trend * progress + (profile.themes[question.theme ?? ''] ?? 0) + lean + roundMood;
		const latent = mean + pupilMood + random.normal() * 0.7;
		answers[question.id] = answerFor(random, question, latent);
	}
	if (Object.keys(answers).length === 0) answers[questions[0]!.id] = answerFor(random, questions[0]!, profile.base);
	return answers;
}

function answerFor(random: Random, question: DemoQuestion, latent: number): unknown {
	switch (question.type) {
		case 'smiley3':
			return clampRound((latent - 1) / 2 + 1, 1, 3);
		case 'rating10':
			return clampRound((latent - 1) * 2.5, 0, 10);
		case 'single_choice':
			return question.options?.length === 4 ? helpChoice(random, latent) : random.int(0, (question.options?.length ?? 1) - 1);
		case 'multiple_choice':
			return [random.int(0, (question.options?.length ?? 1) - 1)];
		case 'one_word':
			return random.pick(latent >= 3.7 ? words.good : latent <= 2.5 ? words.bad : words.middle);
		default:
			return clampRound(latent, 1, 5);
	}
}
