import { describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/lib/server/db/schema';
import type { Actor } from '../../src/lib/server/policy';
import { canRun, canWatch } from '../../src/lib/server/rounds/access';

const school = 'school-a';
const otherSchool = 'school-b';

function actor(roles: StaffRole[], schoolId = school): Actor {
	return { id: `${roles.join('+')}-${schoolId}`, memberships: roles.map((role) => ({ schoolId, role })) };
}

/** A group of `school-a` taught by `teacherIds`. */
const group = (teacherIds: string[] = []) => ({ schoolId: school, teacherIds });

describe('who may watch and run a group\'s rounds', () => {
	it('lets the group\'s own teacher watch and run them', () => {
		const teacher = actor(['teacher']);
		expect(canWatch(teacher, group([teacher.id]))).toBe(true);
		expect(canRun(teacher, group([teacher.id]))).toBe(true);
	});

	it('keeps a teacher of the school away from a group they do not teach', () => {
		const teacher = actor(['teacher']);
		expect(canWatch(teacher, group(['someone-else']))).toBe(false);
		expect(canRun(teacher, group(['someone-else']))).toBe(false);
	});

	it('lets a school leader watch and run the rounds of any group of their school', () => {
		expect(canWatch(actor(['school_leader']), group())).toBe(true);
		expect(canRun(actor(['school_leader']), group())).toBe(true);
	});

	for (const role of ['admin', 'care_coordinator'] as const) {
		it(`lets a ${role} watch but not start or close rounds`, () => {
			expect(canWatch(actor([role]), group())).toBe(true);
			expect(canRun(actor([role]), group())).toBe(false);
		});
	}

	it('gives nobody of another school anything, whatever their role there', () => {
		for (const role of ['admin', 'school_leader', 'care_coordinator', 'teacher'] as const) {
			const stranger = actor([role], otherSchool);
			// Even when listed as the group's teacher (an assignment counts only with the role here).
			expect(canWatch(stranger, group([stranger.id]))).toBe(false);
			expect(canRun(stranger, group([stranger.id]))).toBe(false);
		}
	});

	it('does not let a group assignment outlive the teacher role', () => {
		const former = actor(['care_coordinator']);
		expect(canRun(former, group([former.id]))).toBe(false);
	});

	it('lets an admin who also teaches the group run its rounds', () => {
		const both = actor(['admin', 'teacher']);
		expect(canRun(both, group([both.id]))).toBe(true);
	});
});
