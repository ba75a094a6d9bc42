import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client';
import { groups, questionnaireVersions, roundTallies, rounds } from '../db/schema';
import { versionChoices } from './choices';
import { isOpen, open as openRound } from './rounds';

/**
 * The teacher's fast path (issue 16): a round started from the dashboard in one step, with
 * the questionnaire a teacher would most likely pick on the full new-round page.
 */

/**
 * The version a quick start opens: the latest version of the questionnaire of the group's
 * most recent round, while it is still one of the actor's choices; else the school's
 * standard, its questionnaire most used in the school's rounds; else the first school
 * questionnaire (choices list the school's before personal ones). Null: nothing to choose.
 */
export async function quickStartVersion(db: Database, actorId: string, schoolId: string, groupId: string): Promise<string | null> {
	const choices = await versionChoices(db, actorId, schoolId);
	if (choices.length === 0) return null;
	const byQuestionnaire = new Map(choices.map((c) => [c.questionnaireId, c.versionId]));
	const [last] = await db
		.select({ questionnaireId: questionnaireVersions.questionnaireId })
		.from(rounds)
		.innerJoin(questionnaireVersions, eq(questionnaireVersions.id, rounds.versionId))
		.where(eq(rounds.groupId, groupId))
		.orderBy(desc(rounds.openedAt))
		.limit(1);
	if (last && byQuestionnaire.has(last.questionnaireId)) return byQuestionnaire.get(last.questionnaireId)!;
	const used = await db
		.select({ questionnaireId: questionnaireVersions.questionnaireId, rounds: count() })
		.from(rounds)
		.innerJoin(questionnaireVersions, eq(questionnaireVersions.id, rounds.versionId))
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.where(eq(groups.schoolId, schoolId))
		.groupBy(questionnaireVersions.questionnaireId)
		.orderBy(desc(count()));
	const standard = used.find((u) => choices.some((c) => c.questionnaireId === u.questionnaireId && !c.personal));
	return standard ? byQuestionnaire.get(standard.questionnaireId)! : choices[0]!.versionId;
}

/** The open round of each of these groups (the newest, should there be two), by group id. */
export async function openRoundsOf(db: Database, groupIds: string[]) {
	if (groupIds.length === 0) return new Map<string, { id: string; joinCode: string; n: number; cap: number | null }>();
	const rows = await db
		.select({ groupId: rounds.groupId, id: rounds.id, joinCode: rounds.joinCode, n: roundTallies.n, cap: rounds.cap })
		.from(rounds)
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.where(and(inArray(rounds.groupId, groupIds), isOpen))
		.orderBy(rounds.openedAt);
	return new Map(rows.map(({ groupId, ...round }) => [groupId, round]));
}

/**
 * A round in one step, for the projector: the group's open round if it has one (a second click
 * or a reload starts nothing new), else a new one with the quick-start questionnaire and the
 * group's size as its cap, as on the full page (issue 15, padding). Null: no questionnaire to
 * choose from, which the full new-round page explains. The caller checks that the actor may run
 * the group's rounds.
 */
export async function openOrStart(db: Database, actorId: string, group: { id: string; schoolId: string; size: number | null }): Promise<string | null> {
	const open = (await openRoundsOf(db, [group.id])).get(group.id);
	if (open) return open.id;
	const versionId = await quickStartVersion(db, actorId, group.schoolId, group.id);
	if (!versionId) return null;
	return (await openRound(db, { groupId: group.id, versionId, openedBy: actorId, cap: group.size })).id;
}
