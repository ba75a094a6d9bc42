import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { questionnaires, questionnaireVersions, questions, rounds } from '../db/schema';
import { isId } from '../org/groups';
import type { Actor } from '../policy';
import { versionSchema, type ValidVersion, type VersionInput } from './question-schema';
import { templates, type TemplateKey } from './templates';

/**
 * Questionnaires and their versions. A version some round has used is frozen (its results
 * and the student flow's cache depend on it): saving then makes the next version instead.
 * Who may do what is the caller's check (./access.ts).
 */

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface NewQuestionnaire {
	schoolId: string;
	/** The teacher of a personal questionnaire; null for a school one. */
	ownerId: string | null;
	personal: boolean;
}

const v = questionnaireVersions;
const latestNumber = sql`(select max(lv.number) from questionnaire_versions lv where lv.questionnaire_id = ${questionnaires.id})`;

/** The school's questionnaires and the actor's own in that school, with their latest version. */
export function listForActor(db: Database, actor: Actor, schoolId: string) {
	return db
		.select({
			id: questionnaires.id,
			personal: questionnaires.personal,
			versionId: v.id,
			number: v.number,
			titleNl: v.titleNl,
			titleEn: v.titleEn,
			questionCount: sql<number>`(select count(*)::int from ${questions} where ${questions.versionId} = ${v.id})`,
			used: sql<boolean>`exists (select 1 from ${rounds} inner join questionnaire_versions uv on uv.id = ${rounds.versionId} where uv.questionnaire_id = ${questionnaires.id})`
		})
		.from(questionnaires)
		.innerJoin(v, and(eq(v.questionnaireId, questionnaires.id), eq(v.number, latestNumber)))
		.where(
			and(
				eq(questionnaires.schoolId, schoolId),
				eq(questionnaires.archived, false),
				or(eq(questionnaires.personal, false), eq(questionnaires.ownerId, actor.id))
			)
		)
		.orderBy(asc(questionnaires.personal), asc(v.titleNl));
}

async function insertVersion(tx: Tx, questionnaireId: string, number: number, version: ValidVersion): Promise<string> {
	const [row] = await tx
		.insert(v)
		.values({ questionnaireId, number, titleNl: version.titleNl, titleEn: version.titleEn })
		.returning({ id: v.id });
	await insertQuestions(tx, row!.id, version);
	return row!.id;
}

async function insertQuestions(tx: Tx, versionId: string, version: ValidVersion): Promise<void> {
	if (version.questions.length === 0) return;
	await tx.insert(questions).values(version.questions.map((q, position) => ({ versionId, position, ...q })));
}

async function create(db: Database, owner: NewQuestionnaire, content: VersionInput): Promise<string> {
	const version = versionSchema.parse(content);
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(questionnaires)
			.values({ schoolId: owner.schoolId, ownerId: owner.personal ? owner.ownerId : null, personal: owner.personal })
			.returning({ id: questionnaires.id });
		await insertVersion(tx, row!.id, 1, version);
		return row!.id;
	});
}

/** A copy of a built-in template as version 1; returns the new questionnaire's id. */
export function createFromTemplate(db: Database, input: NewQuestionnaire & { templateKey: TemplateKey }): Promise<string> {
	return create(db, input, templates[input.templateKey]);
}

/** An empty questionnaire with just its title; returns its id. */
export function createBlank(db: Database, input: NewQuestionnaire & { titleNl: string; titleEn: string }): Promise<string> {
	return create(db, input, { titleNl: input.titleNl, titleEn: input.titleEn, questions: [] });
}

const copyWord = { nl: ' (kopie)', en: ' (copy)' };
const withCopyWord = (title: string, word: string) => `${title.slice(0, 200 - word.length)}${word}`;

/**
 * A new questionnaire, owned by `owner`, with the latest version's title (marked as a copy) and
 * questions as its version 1: nothing of the original's rounds or results comes along.
 * Null when there is no such questionnaire.
 */
export async function duplicate(db: Database, questionnaireId: string, owner: NewQuestionnaire): Promise<string | null> {
	const original = await load(db, questionnaireId);
	if (!original) return null;
	return create(db, owner, {
		titleNl: withCopyWord(original.version.titleNl, copyWord.nl),
		titleEn: withCopyWord(original.version.titleEn, copyWord.en),
		questions: original.questions.map(({ type, promptNl, promptEn, theme, options, randomized }) => ({ type, promptNl, promptEn, theme, options, randomized }))
	});
}

/** The questionnaire with its latest version and that version's questions, or null. */
export async function load(db: Database, questionnaireId: string) {
	if (!isId(questionnaireId)) return null;
	const [row] = await db
		.select({
			id: questionnaires.id,
			schoolId: questionnaires.schoolId,
			ownerId: questionnaires.ownerId,
			personal: questionnaires.personal,
			archived: questionnaires.archived,
			versionId: v.id,
			number: v.number,
			titleNl: v.titleNl,
			titleEn: v.titleEn,
			used: sql<boolean>`exists (select 1 from ${rounds} where ${rounds.versionId} = ${v.id})`
		})
		.from(questionnaires)
		.innerJoin(v, and(eq(v.questionnaireId, questionnaires.id), eq(v.number, latestNumber)))
		.where(eq(questionnaires.id, questionnaireId));
	if (!row) return null;
	const list = await db
		.select({ id: questions.id, type: questions.type, promptNl: questions.promptNl, promptEn: questions.promptEn, theme: questions.theme, options: questions.options, randomized: questions.randomized })
		.from(questions)
		.where(eq(questions.versionId, row.versionId))
		.orderBy(asc(questions.position));
	const { versionId, number, titleNl, titleEn, used, ...questionnaire } = row;
	return { ...questionnaire, version: { id: versionId, number, titleNl, titleEn, used }, questions: list };
}

/**
 * Saves title and questions. While no round has used the latest version it is replaced in
 * place; once one has, a new version (number + 1) is made and the old one keeps its results.
 * Returns the saved version's number and whether it is new, or null for an unknown id.
 */
export async function saveVersion(db: Database, questionnaireId: string, content: VersionInput): Promise<{ number: number; created: boolean } | null> {
	const version = versionSchema.parse(content);
	if (!isId(questionnaireId)) return null;
	return db.transaction(async (tx) => {
		// One save at a time per questionnaire, so two saves cannot both claim number + 1.
		const [owner] = await tx.select({ id: questionnaires.id }).from(questionnaires).where(eq(questionnaires.id, questionnaireId)).for('update');
		if (!owner) return null;
		// rounds.open's foreign-key check takes a key-share lock on the version row, which waits
		// for this lock: no round can start on the version while its questions are replaced.
		const [latest] = await tx.select({ id: v.id, number: v.number }).from(v).where(eq(v.questionnaireId, questionnaireId)).orderBy(desc(v.number)).limit(1).for('update');
		const [used] = latest ? await tx.select({ id: rounds.id }).from(rounds).where(eq(rounds.versionId, latest.id)).limit(1) : [];
		if (!latest || used) {
			const number = (latest?.number ?? 0) + 1;
			await insertVersion(tx, questionnaireId, number, version);
			return { number, created: true };
		}
		await tx.update(v).set({ titleNl: version.titleNl, titleEn: version.titleEn }).where(eq(v.id, latest.id));
		await tx.delete(questions).where(eq(questions.versionId, latest.id));
		await insertQuestions(tx, latest.id, version);
		return { number: latest.number, created: false };
	});
}

/** Hides the questionnaire from lists; its versions and results stay. */
export async function archive(db: Database, questionnaireId: string): Promise<boolean> {
	if (!isId(questionnaireId)) return false;
	const done = await db.update(questionnaires).set({ archived: true }).where(eq(questionnaires.id, questionnaireId)).returning({ id: questionnaires.id });
	return done.length > 0;
}
