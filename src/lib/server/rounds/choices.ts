import { and, asc, desc, eq, exists, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { questionnaires, questionnaireVersions, questions } from '../db/schema';

/**
 * The questionnaire versions a staff member may start a round with in a school: the latest
 * version of each non-archived questionnaire that is the school's or their own personal one,
 * and that has at least one question.
 */
export async function versionChoices(db: Database, actorId: string, schoolId: string) {
	const rows = await db
		.selectDistinctOn([questionnaireVersions.questionnaireId], {
			versionId: questionnaireVersions.id,
			questionnaireId: questionnaireVersions.questionnaireId,
			titleNl: questionnaireVersions.titleNl,
			titleEn: questionnaireVersions.titleEn,
			personal: questionnaires.personal
		})
		.from(questionnaireVersions)
		.innerJoin(questionnaires, eq(questionnaires.id, questionnaireVersions.questionnaireId))
		.where(
			and(
				eq(questionnaires.schoolId, schoolId),
				eq(questionnaires.archived, false),
				or(eq(questionnaires.personal, false), eq(questionnaires.ownerId, actorId)),
				exists(db.select({ one: sql`1` }).from(questions).where(eq(questions.versionId, questionnaireVersions.id)))
			)
		)
		.orderBy(asc(questionnaireVersions.questionnaireId), desc(questionnaireVersions.number));
	return rows.sort((a, b) => Number(a.personal) - Number(b.personal) || a.titleNl.localeCompare(b.titleNl));
}

/** Whether `versionId` is one of the actor's choices (a posted form names any id it likes). */
export async function isChoice(db: Database, actorId: string, schoolId: string, versionId: string): Promise<boolean> {
	return (await versionChoices(db, actorId, schoolId)).some((c) => c.versionId === versionId);
}
