import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { questionnaires, questionnaireVersions } from '../../src/lib/server/db/schema';
import { load, saveVersion } from '../../src/lib/server/questionnaires/questionnaires';
import { openRoundsOf, quickStartVersion } from '../../src/lib/server/rounds/quick-start';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool, createStaff } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

/** The teacher's fast path (issue 16): which questionnaire a one-click round opens with. */
describe.each(engines)('quick start on %s', (engine) => {
	let handle: TestDatabase;

	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	async function setUp() {
		const db = handle.db;
		const school = await createSchool(db);
		const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
		const group = await createGroup(db, school.id, { teacherIds: [teacher.id] });
		const other = await createGroup(db, school.id);
		const a = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
		const b = await createQuestionnaireVersion(db, school.id, [{ type: 'smiley3' }]);
		const questionnaireOf = async (versionId: string) =>
			(await db.select({ id: questionnaireVersions.questionnaireId }).from(questionnaireVersions).where(eq(questionnaireVersions.id, versionId)))[0]!.id;
		const run = async (groupId: string, versionId: string) => rounds.close(db, (await rounds.open(db, { groupId, versionId, openedBy: null })).id);
		return { db, school, teacher, group, other, a, b, questionnaireOf, run };
	}

	it("takes the group's last questionnaire, at its latest version", async () => {
		const { db, school, teacher, group, a, b, questionnaireOf, run } = await setUp();
		await run(group.id, b.versionId);
		await run(group.id, a.versionId);
		expect(await quickStartVersion(db, teacher.id, school.id, group.id)).toBe(a.versionId);
		const questionnaireId = await questionnaireOf(a.versionId);
		await saveVersion(db, questionnaireId, { titleNl: 'Nieuw', titleEn: 'New', questions: [{ type: 'agree5', promptNl: 'Vraag', promptEn: 'Question', theme: null, options: null }] });
		const latest = (await load(db, questionnaireId))!.version.id;
		expect(latest).not.toBe(a.versionId);
		expect(await quickStartVersion(db, teacher.id, school.id, group.id)).toBe(latest);
		// Archived since: no longer a choice, so the school's standard instead.
		await db.update(questionnaires).set({ archived: true }).where(eq(questionnaires.id, questionnaireId));
		expect(await quickStartVersion(db, teacher.id, school.id, group.id)).toBe(b.versionId);
	});

	it("a new group gets the school's most used questionnaire, else the first one", async () => {
		const { db, school, teacher, group, other, a, b, run } = await setUp();
		const byTitle = await quickStartVersion(db, teacher.id, school.id, group.id);
		// Both are titled alike by the factory, so "first" is the choices' own order: either, but one.
		expect([a.versionId, b.versionId]).toContain(byTitle);
		const notChosen = byTitle === a.versionId ? b.versionId : a.versionId;
		await run(other.id, notChosen);
		await run(other.id, notChosen);
		expect(await quickStartVersion(db, teacher.id, school.id, group.id)).toBe(notChosen);
	});

	it('nothing to choose: null; open rounds are found per group', async () => {
		const db = handle.db;
		const school = await createSchool(db);
		const teacher = await createStaff(db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
		const group = await createGroup(db, school.id, { teacherIds: [teacher.id] });
		expect(await quickStartVersion(db, teacher.id, school.id, group.id)).toBeNull();
		const version = await createQuestionnaireVersion(db, school.id, [{ type: 'agree5' }]);
		const closed = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
		await rounds.close(db, closed.id);
		expect((await openRoundsOf(db, [group.id])).size).toBe(0);
		const open = await rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null, cap: 25 });
		expect((await openRoundsOf(db, [group.id])).get(group.id)).toEqual({ id: open.id, joinCode: open.joinCode, n: 0, cap: 25 });
	});
});
