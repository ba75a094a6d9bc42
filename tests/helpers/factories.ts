import { randomBytes } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Database } from '../../src/lib/server/db/client';
import {
	groups,
	groupTeachers,
	memberships,
	questionnaires,
	questionnaireVersions,
	questions,
	schools,
	users,
	type ChoiceOption,
	type QuestionType,
	type StaffRole
} from '../../src/lib/server/db/schema';
import { hashPassword } from '../../src/lib/server/auth/passwords';

/** Builders for test data: real rows through the real schema, with defaults that pass validation. */

export const TEST_PASSWORD = 'een lang testwachtwoord';
let cachedHash: Promise<string> | undefined;

export async function createSchool(db: Database, name = `School ${randomBytes(3).toString('hex')}`) {
	const [school] = await db.insert(schools).values({ name }).returning({ id: schools.id, name: schools.name });
	return school!;
}

export async function createStaff(
	db: Database,
	options: { roles?: Array<{ schoolId: string; role: StaffRole }>; email?: string; password?: string } = {}
) {
	const passwordHash = options.password ? await hashPassword(options.password) : await (cachedHash ??= hashPassword(TEST_PASSWORD));
	const [user] = await db
		.insert(users)
		.values({ email: options.email ?? `staff-${randomBytes(4).toString('hex')}@school.test`, passwordHash })
		.returning({ id: users.id, email: users.email });
	if (options.roles?.length) {
		await db.insert(memberships).values(options.roles.map((r) => ({ userId: user!.id, ...r })));
	}
	return user!;
}

export async function createGroup(db: Database, schoolId: string, options: { name?: string; teacherIds?: string[] } = {}) {
	const [group] = await db
		.insert(groups)
		.values({ schoolId, name: options.name ?? `Groep ${randomBytes(2).toString('hex')}`, yearLevel: 7 })
		.returning({ id: groups.id, name: groups.name });
	if (options.teacherIds?.length) {
		await db.insert(groupTeachers).values(options.teacherIds.map((userId) => ({ groupId: group!.id, userId })));
	}
	return group!;
}

export interface QuestionSeed {
	type: QuestionType;
	options?: ChoiceOption[];
	/** Randomized response (issue 15). */
	randomized?: boolean;
}

/** A questionnaire with one version of the given questions (default: one of each type). */
export async function createQuestionnaireVersion(db: Database, schoolId: string, seeds?: QuestionSeed[]) {
	const list: QuestionSeed[] = seeds ?? [
		{ type: 'agree5' },
		{ type: 'smiley3' },
		{ type: 'rating10' },
		{ type: 'single_choice', options: [{ nl: 'Ja', en: 'Yes' }, { nl: 'Nee', en: 'No' }] },
		{ type: 'multiple_choice', options: [{ nl: 'A', en: 'A' }, { nl: 'B', en: 'B' }, { nl: 'C', en: 'C' }] },
		{ type: 'one_word' }
	];
	const [questionnaire] = await db.insert(questionnaires).values({ schoolId, personal: false }).returning({ id: questionnaires.id });
	const [version] = await db
		.insert(questionnaireVersions)
		.values({ questionnaireId: questionnaire!.id, number: 1, titleNl: 'Lesspiegel', titleEn: 'Lesson mirror' })
		.returning({ id: questionnaireVersions.id });
	const rows = await db
		.insert(questions)
		.values(
			list.map((seed, position) => ({
				versionId: version!.id,
				position,
				type: seed.type,
				promptNl: `Vraag ${position + 1}`,
				promptEn: `Question ${position + 1}`,
				options: seed.options ?? null,
				randomized: seed.randomized ?? false
			}))
		)
		.returning({ id: questions.id, type: questions.type, options: questions.options });
	return { versionId: version!.id, questions: rows };
}

/**
 * Gives staff an authenticator key: admins and school leaders need a second factor before any
 * page (a session made with `twoFactorVerified` counts as having passed it).
 */
export async function giveSecondFactor(db: Database, ...userIds: string[]) {
	await db.update(users).set({ totpKey: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }).where(inArray(users.id, userIds));
}
