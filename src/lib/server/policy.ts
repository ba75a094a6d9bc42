import type { StaffRole } from './db/schema';

/**
 * Every authorization decision of the staff side. Routes call `can` in each load and action;
 * the hooks guard only ensures someone is logged in. Pure: the caller passes the facts.
 */

export interface Membership {
	schoolId: string;
	role: StaffRole;
}

export interface Actor {
	id: string;
	memberships: Membership[];
}

export type Action =
	| 'school.view'
	| 'school.settings'
	| 'staff.view'
	| 'staff.invite'
	| 'staff.manage'
	| 'groups.view_all'
	| 'groups.manage'
	| 'group.view'
	| 'reports.view_school'
	| 'security_log.view'
	| 'sign_in.manage'
	| 'privacy_audit.run'
	| 'school.create';

export interface Resource {
	schoolId: string;
	/** group.view: the teachers assigned to the group. */
	teacherIds?: string[];
	/** staff.invite: the role offered; staff.manage: the roles the target holds in this school. */
	roles?: StaffRole[];
}

const rolesFor: Record<Exclude<Action, 'group.view' | 'school.create'>, StaffRole[]> = {
	'school.view': ['admin', 'school_leader', 'care_coordinator', 'teacher'],
	'school.settings': ['admin', 'school_leader'],
	'staff.view': ['admin', 'school_leader'],
	'staff.invite': ['admin', 'school_leader'],
	'staff.manage': ['admin', 'school_leader'],
	'groups.view_all': ['admin', 'school_leader', 'care_coordinator'],
	'groups.manage': ['admin', 'school_leader'],
	'reports.view_school': ['school_leader', 'care_coordinator'],
	'security_log.view': ['admin'],
	// Who may sign in how, and through which provider: as sensitive as the security log.
	'sign_in.manage': ['admin'],
	// The school's own check of the processor's promises, for whoever answers to its privacy officer.
	'privacy_audit.run': ['admin', 'school_leader']
};

export function rolesIn(actor: Actor, schoolId: string): StaffRole[] {
	return actor.memberships.filter((m) => m.schoolId === schoolId).map((m) => m.role);
}

export function can(actor: Actor, action: Action, resource?: Resource): boolean {
	if (action === 'school.create') return actor.memberships.some((m) => m.role === 'admin');
	if (!resource) return false;
	const roles = rolesIn(actor, resource.schoolId);
	if (action === 'group.view') {
		return (
			roles.some((r) => rolesFor['groups.view_all'].includes(r)) ||
			(roles.includes('teacher') && (resource.teacherIds ?? []).includes(actor.id))
		);
	}
	if (!roles.some((r) => rolesFor[action].includes(r))) return false;
	// Only an admin may hand out or take away the admin role, or act on an admin.
	if ((action === 'staff.invite' || action === 'staff.manage') && !roles.includes('admin')) {
		return !(resource.roles ?? []).includes('admin');
	}
	return true;
}
