import { describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/lib/server/db/schema';
import { can, type Action, type Actor } from '../../src/lib/server/policy';

const school = 'school-a';
const otherSchool = 'school-b';

function actor(role: StaffRole, schoolId = school): Actor {
	return { id: `${role}-user`, memberships: [{ schoolId, role }] };
}

/** Expected answers for a staff member in `school-a`, acting on `school-a`. */
const allowed: Record<Exclude<Action, 'group.view' | 'school.create'>, StaffRole[]> = {
	'school.view': ['admin', 'school_leader', 'care_coordinator', 'teacher'],
	'school.settings': ['admin', 'school_leader'],
	'staff.view': ['admin', 'school_leader'],
	'staff.invite': ['admin', 'school_leader'],
	'staff.manage': ['admin', 'school_leader'],
	'groups.view_all': ['admin', 'school_leader', 'care_coordinator'],
	'groups.manage': ['admin', 'school_leader'],
	'reports.view_school': ['school_leader', 'care_coordinator'],
	'security_log.view': ['admin'],
	'sign_in.manage': ['admin'],
	'privacy_audit.run': ['admin', 'school_leader']
};
const roles: StaffRole[] = ['admin', 'school_leader', 'care_coordinator', 'teacher'];

describe('policy', () => {
	for (const [action, yes] of Object.entries(allowed) as Array<[keyof typeof allowed, StaffRole[]]>) {
		for (const role of roles) {
			it(`${role} ${yes.includes(role) ? 'may' : 'may not'} ${action} in their school, and never in another`, () => {
				expect(can(actor(role), action, { schoolId: school })).toBe(yes.includes(role));
				expect(can(actor(role, otherSchool), action, { schoolId: school })).toBe(false);
			});
		}
	}

	it('lets a teacher see only the groups they teach', () => {
		const teacher = actor('teacher');
		expect(can(teacher, 'group.view', { schoolId: school, teacherIds: [teacher.id] })).toBe(true);
		expect(can(teacher, 'group.view', { schoolId: school, teacherIds: ['someone-else'] })).toBe(false);
		expect(can(teacher, 'group.view', { schoolId: school })).toBe(false);
		// Teaching a group id in another school's data does not open it either.
		expect(can(actor('teacher', otherSchool), 'group.view', { schoolId: school, teacherIds: ['teacher-user'] })).toBe(false);
	});

	it('lets leaders and care coordinators see every group of their school only', () => {
		for (const role of ['school_leader', 'care_coordinator', 'admin'] as const) {
			expect(can(actor(role), 'group.view', { schoolId: school, teacherIds: [] })).toBe(true);
			expect(can(actor(role, otherSchool), 'group.view', { schoolId: school, teacherIds: [] })).toBe(false);
		}
	});

	it('keeps the admin role in the hands of admins', () => {
		expect(can(actor('school_leader'), 'staff.invite', { schoolId: school, roles: ['admin'] })).toBe(false);
		expect(can(actor('school_leader'), 'staff.invite', { schoolId: school, roles: ['teacher'] })).toBe(true);
		expect(can(actor('school_leader'), 'staff.manage', { schoolId: school, roles: ['teacher', 'admin'] })).toBe(false);
		expect(can(actor('admin'), 'staff.manage', { schoolId: school, roles: ['admin'] })).toBe(true);
	});

	it('refuses everything without a resource, and school creation to non-admins', () => {
		expect(can(actor('admin'), 'staff.view')).toBe(false);
		expect(can(actor('admin'), 'school.create')).toBe(true);
		for (const role of ['school_leader', 'care_coordinator', 'teacher'] as const) {
			expect(can(actor(role), 'school.create')).toBe(false);
		}
	});
});
