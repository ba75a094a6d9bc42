import { can, rolesIn, type Actor } from '../policy';

/** The facts about a round's group that decide who may do what with its rounds. */
export interface RoundGroup {
	schoolId: string;
	teacherIds: string[];
}

/** Watching a round (projector, live count, list) is part of seeing its group. */
export function canWatch(actor: Actor, group: RoundGroup): boolean {
	return can(actor, 'group.view', group);
}

/**
 * Starting and closing rounds and printing TANs: the group's own teachers and the school's
 * leaders. An admin or care coordinator may see the group but does not run its lessons.
 */
export function canRun(actor: Actor, group: RoundGroup): boolean {
	const roles = rolesIn(actor, group.schoolId);
	return roles.includes('school_leader') || (roles.includes('teacher') && group.teacherIds.includes(actor.id));
}
