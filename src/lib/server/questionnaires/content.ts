import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
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
	}>;
}

/**
 * A version's questions are frozen while a round uses it (editing makes a new version), so
 * every instance may cache them: no state that differs between instances.
 */
const cache = new Map<string, Promise<VersionContent | null>>();
const CACHE_LIMIT = 2_000;

async function read(db: Database, versionId: string): Promise<VersionContent | null> {
	const [version] = await db
		.select({ id: questionnaireVersions.id, titleNl: questionnaireVersions.titleNl, titleEn: questionnaireVersions.titleEn })
		.from(questionnaireVersions)
		.where(eq(questionnaireVersions.id, versionId));
	if (!version) return null;
	const rows = await db
		.select({ id: questions.id, type: questions.type, promptNl: questions.promptNl, promptEn: questions.promptEn, theme: questions.theme, options: questions.options })
		.from(questions)
		.where(eq(questions.versionId, versionId))
		.orderBy(asc(questions.position));
	return { ...version, questions: rows };
}

/** The questions of a version a round is using (cached). */
export function loadForRound(db: Database, versionId: string): Promise<VersionContent | null> {
	let entry = cache.get(versionId);
	if (!entry) {
		if (cache.size >= CACHE_LIMIT) cache.clear();
		entry = read(db, versionId).catch((error) => {
			cache.delete(versionId);
			throw error;
		});
		cache.set(versionId, entry);
	}
	return entry;
}
