import type { QuestionInput } from './question-schema';

/*
 * Built-in questionnaires, written for LesSpiegel in plain words a pupil understands (not taken
 * from any published instrument). A school copies one and may then change it freely.
 */

/** Theme keys group questions across questionnaires, groups and time; reports show these names. */
export const themes = {
	safe_climate: { nl: 'Veilig klimaat', en: 'Safe climate' },
	classroom_management: { nl: 'Klassenmanagement', en: 'Classroom management' },
	clear_explanation: { nl: 'Duidelijke uitleg', en: 'Clear explanation' },
	activating_learning: { nl: 'Activerend leren', en: 'Activating learning' },
	differentiation: { nl: 'Differentiatie', en: 'Differentiation' },
	learning_strategies: { nl: 'Leerstrategieën', en: 'Learning strategies' },
	wellbeing: { nl: 'Welbevinden', en: 'Wellbeing' },
	readiness_to_learn: { nl: 'Klaar om te leren', en: 'Readiness to learn' },
	teacher_relationship: { nl: 'Relatie met de leraar', en: 'Relationship with the teacher' }
} as const satisfies Record<string, { nl: string; en: string }>;

export type ThemeKey = keyof typeof themes;

export interface Template {
	titleNl: string;
	titleEn: string;
	questions: QuestionInput[];
}

type Seed = [QuestionInput['type'], ThemeKey | null, string, string, Array<[string, string]>?];

function build(seeds: Seed[]): QuestionInput[] {
	return seeds.map(([type, theme, promptNl, promptEn, options]) => ({
		type,
		theme,
		promptNl,
		promptEn,
		options: options ? options.map(([nl, en]) => ({ nl, en })) : null,
		randomized: false
	}));
}

export const templates = {
	lesson_mirror: {
		titleNl: 'Lesspiegel',
		titleEn: 'Lesson mirror',
		questions: build([
			['agree5', 'safe_climate', 'In deze les durf ik een vraag te stellen.', 'In this lesson I dare to ask a question.'],
			['agree5', 'safe_climate', 'Als ik iets fout doe, lacht niemand mij uit.', 'If I get something wrong, nobody laughs at me.'],
			['agree5', 'classroom_management', 'Het is rustig genoeg in de klas om goed te werken.', 'The class is calm enough for me to work well.'],
			['agree5', 'clear_explanation', 'Ik begrijp de uitleg van mijn leraar.', "I understand my teacher's explanation."],
			['agree5', 'clear_explanation', 'Ik weet wat ik aan het eind van de les moet kunnen.', 'I know what I should be able to do by the end of the lesson.'],
			['agree5', 'activating_learning', 'In deze les denk en doe ik echt mee.', 'In this lesson I really think along and join in.'],
			['agree5', 'differentiation', 'Het werk past bij wat ik al kan.', 'The work suits what I can already do.'],
			['agree5', 'learning_strategies', 'Ik leer hoe ik een opdracht slim kan aanpakken.', 'I learn smart ways to tackle a task.'],
			['one_word', null, 'Eén woord voor deze les:', 'One word for this lesson:']
		])
	},
	exit_ticket: {
		titleNl: 'Exitticket',
		titleEn: 'Exit ticket',
		questions: build([
			['smiley5', 'wellbeing', 'Hoe voel je je op dit moment?', 'How do you feel right now?'],
			['agree5', 'readiness_to_learn', 'Ik had vandaag zin om te leren.', 'Today I felt like learning.'],
			[
				'single_choice',
				'teacher_relationship',
				'Als ik hulp nodig had, kon ik bij mijn leraar terecht.',
				'When I needed help, I could go to my teacher.',
				[
					['Ja', 'Yes'],
					['Soms', 'Sometimes'],
					['Nee', 'No'],
					['Ik had geen hulp nodig', "I didn't need help"]
				]
			]
		])
	},
	young_pupils: {
		titleNl: 'Jonge leerlingen',
		titleEn: 'Young pupils',
		questions: build([
			['smiley3', 'safe_climate', 'Ik vind het fijn in de klas.', 'I like being in class.'],
			['smiley3', 'teacher_relationship', 'Mijn juf of meester helpt mij.', 'My teacher helps me.'],
			['smiley3', 'clear_explanation', 'Ik snap wat we moeten doen.', 'I understand what we have to do.'],
			['smiley3', 'wellbeing', 'Ik speel en werk fijn samen met anderen.', 'I play and work nicely with others.'],
			['smiley3', 'activating_learning', 'Ik heb vandaag iets nieuws geleerd.', 'I learned something new today.']
		])
	}
} satisfies Record<string, Template>;

export type TemplateKey = keyof typeof templates;
export const templateKeys = Object.keys(templates) as TemplateKey[];

export function isTemplateKey(value: string): value is TemplateKey {
	return Object.hasOwn(templates, value);
}
