import { can, rolesIn, type Actor } from '../policy';

/** The facts about a questionnaire that decide who may see and change it. */
export interface QuestionnaireFacts {
	schoolId: string;
	personal: boolean;
	ownerId: string | null;
}

/** A teacher's own questionnaires are theirs alone, and only while they teach at that school. */
function isOwningTeacher(actor: Actor, q: QuestionnaireFacts): boolean {
	return q.personal && q.ownerId === actor.id && rolesIn(actor, q.schoolId).includes('teacher');
}

/** Seeing a questionnaire is also what lets someone start a round with it. */
export function canView(actor: Actor, q: QuestionnaireFacts): boolean {
	if (!can(actor, 'school.view', { schoolId: q.schoolId })) return false;
	return !q.personal || isOwningTeacher(actor, q);
}

/** School questionnaires are the school leaders' to manage; personal ones their owner's. */
export function canEdit(actor: Actor, q: QuestionnaireFacts): boolean {
	return q.personal ? isOwningTeacher(actor, q) : can(actor, 'school.settings', { schoolId: q.schoolId });
}

export function canCreate(actor: Actor, schoolId: string, personal: boolean): boolean {
	return personal ? rolesIn(actor, schoolId).includes('teacher') : can(actor, 'school.settings', { schoolId });
}

/**
 * What a copy becomes: of the same kind when the actor may make that kind, else a personal one
 * for a teacher (who may copy a school questionnaire to adapt it); null when neither.
 */
export function copyKind(actor: Actor, q: Pick<QuestionnaireFacts, 'schoolId' | 'personal'>): { personal: boolean } | null {
	if (canCreate(actor, q.schoolId, q.personal)) return { personal: q.personal };
	return canCreate(actor, q.schoolId, true) ? { personal: true } : null;
}
