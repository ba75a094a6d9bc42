import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { memoize } from '../memo';
import { questionnaireVersions, questions, type ChoiceOption, type QuestionType } from '../db/schema';

export interface VersionContent {
	id: string;
	titleNl: string;
	titleEn: string;
	questions: Array<{
		id: string;
		type: QuestionType;
		promptNl: string;
		promptEn: string;
		theme: string | null;
		options: ChoiceOption[] | null;
		/** Randomized response: the counters hold answers replaced by chance (issue 15). */
		randomized: boolean;
	}>;
}

async function read(db: Database, versionId: string): Promise<VersionContent | null> {
	const [version] = await db
		.select({ id: questionnaireVersions.id, titleNl: questionnaireVersions.titleNl, titleEn: questionnaireVersions.titleEn })
		.from(questionnaireVersions)
		.where(eq(questionnaireVersions.id, versionId));
	if (!version) return null;
	const rows = await db
		.select({
			id: questions.id,
			type: questions.type,
			promptNl: questions.promptNl,
			promptEn: questions.promptEn,
			theme: questions.theme,
			options: questions.options,
			randomized: questions.randomized
		})
		.from(questions)
		.where(eq(questions.versionId, versionId))
		.orderBy(asc(questions.position));
	return { ...version, questions: rows };
}

/**
 * The questions of a version a round is using. A version's questions are frozen while a round
 * uses it (editing makes a new version), so they are cached.
 */
export const loadForRound = memoize(read);
