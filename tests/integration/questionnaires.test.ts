import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { questionnaireVersions } from '../../src/lib/server/db/schema';
import type { Actor } from '../../src/lib/server/policy';
import { canCreate, canEdit, canView } from '../../src/lib/server/questionnaires/access';
import { loadForRound } from '../../src/lib/server/questionnaires/content';
import { questionSchema } from '../../src/lib/server/questionnaires/question-schema';
import * as questionnaires from '../../src/lib/server/questionnaires/questionnaires';
import { templateKeys, templates, themes } from '../../src/lib/server/questionnaires/templates';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createSchool, createStaff } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const question = (promptNl: string) => ({ type: 'agree5' as const, promptNl, promptEn: `${promptNl} (en)` });

describe.each(engines)('questionnaires on %s', (engine) => {
	let handle: TestDatabase;
	let schoolId: string;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
		schoolId = (await createSchool(handle.db)).id;
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('creates valid versions from every template, in both languages', async () => {
		for (const templateKey of templateKeys) {
			const id = await questionnaires.createFromTemplate(handle.db, { schoolId, ownerId: null, personal: false, templateKey });
			const loaded = await questionnaires.load(handle.db, id);
			expect(loaded!.version).toMatchObject({ number: 1, used: false, titleNl: templates[templateKey].titleNl });
			expect(loaded!.version.titleEn).not.toBe('');
			expect(loaded!.questions).toHaveLength(templates[templateKey].questions.length);
			for (const q of loaded!.questions) {
				expect(questionSchema.safeParse(q).success).toBe(true);
				expect(q.promptNl.trim()).not.toBe('');
				expect(q.promptEn.trim()).not.toBe('');
				expect(q.promptNl).not.toBe(q.promptEn);
				if (q.theme) expect(Object.keys(themes)).toContain(q.theme);
			}
		}
	});

	it('duplicates the latest version as version 1 of a new questionnaire of the given owner, leaving the original alone', async () => {
		const id = await questionnaires.createFromTemplate(handle.db, { schoolId, ownerId: null, personal: false, templateKey: templateKeys[0]! });
		const group = await createGroup(handle.db, schoolId);
		await rounds.open(handle.db, { groupId: group.id, versionId: (await questionnaires.load(handle.db, id))!.version.id, openedBy: null });
		const original = await questionnaires.load(handle.db, id);
		const teacher = await createStaff(handle.db, { roles: [{ schoolId, role: 'teacher' }] });
		const copyId = await questionnaires.duplicate(handle.db, id, { schoolId, ownerId: teacher.id, personal: true });
		const copy = await questionnaires.load(handle.db, copyId!);
		expect(copy).toMatchObject({ personal: true, ownerId: teacher.id, version: { number: 1, used: false, titleNl: `${original!.version.titleNl} (kopie)`, titleEn: `${original!.version.titleEn} (copy)` } });
		const strip = (list: NonNullable<typeof original>["questions"]) => list.map(({ id: _id, ...q }) => q);
		expect(strip(copy!.questions)).toEqual(strip(original!.questions));
		expect(copy!.questions.map((q) => q.id)).not.toContain(original!.questions[0]!.id);
		expect((await questionnaires.load(handle.db, id))!.version).toEqual(original!.version);
		expect(await questionnaires.duplicate(handle.db, '00000000-0000-4000-8000-000000000000', { schoolId, ownerId: null, personal: false })).toBeNull();
	});

	it('edits in place while unused and makes version 2 once a round used version 1', async () => {
		const id = await questionnaires.createBlank(handle.db, { schoolId, ownerId: null, personal: false, titleNl: 'Mijn lijst', titleEn: 'My list' });
		expect(await questionnaires.saveVersion(handle.db, id, { titleNl: 'Lijst', titleEn: 'List', questions: [question('Een'), question('Twee')] })).toEqual({ number: 1, created: false });
		const first = await questionnaires.load(handle.db, id);
		expect(first!.version).toMatchObject({ number: 1, titleNl: 'Lijst', used: false });
		expect(first!.questions.map((q) => q.promptNl)).toEqual(['Een', 'Twee']);

		const group = await createGroup(handle.db, schoolId);
		const round = await rounds.open(handle.db, { groupId: group.id, versionId: first!.version.id, openedBy: null });
		expect((await questionnaires.load(handle.db, id))!.version.used).toBe(true);

		expect(await questionnaires.saveVersion(handle.db, id, { titleNl: 'Lijst 2', titleEn: 'List 2', questions: [question('Drie')] })).toEqual({ number: 2, created: true });
		const second = await questionnaires.load(handle.db, id);
		expect(second!.version).toMatchObject({ number: 2, titleNl: 'Lijst 2', used: false });
		expect(second!.version.id).not.toBe(first!.version.id);
		expect(second!.questions.map((q) => q.promptNl)).toEqual(['Drie']);

		// The round still answers the questions of the version it was opened with.
		const roundVersion = (await rounds.find(handle.db, round.id))!.versionId;
		expect(roundVersion).toBe(first!.version.id);
		const frozen = await loadForRound(handle.db, roundVersion);
		expect(frozen!.titleNl).toBe('Lijst');
		expect(frozen!.questions.map((q) => q.promptNl)).toEqual(['Een', 'Twee']);

		// Saving again while version 2 is unused edits version 2 in place.
		expect(await questionnaires.saveVersion(handle.db, id, { titleNl: 'Lijst 2', titleEn: 'List 2', questions: [question('Vier')] })).toEqual({ number: 2, created: false });
		const versions = await handle.db.select({ number: questionnaireVersions.number }).from(questionnaireVersions).where(eq(questionnaireVersions.questionnaireId, id));
		expect(versions.map((r) => r.number).sort()).toEqual([1, 2]);
	});

	it('randomized response belongs to the version: turning it on for a used version makes a new one, and copies keep it', async () => {
		const id = await questionnaires.createBlank(handle.db, { schoolId, ownerId: null, personal: false, titleNl: 'Veilig', titleEn: 'Safe' });
		await questionnaires.saveVersion(handle.db, id, { titleNl: 'Veilig', titleEn: 'Safe', questions: [question('Ik voel me veilig'), question('Rustig')] });
		const first = await questionnaires.load(handle.db, id);
		expect(first!.questions.map((q) => q.randomized)).toEqual([false, false]);
		const group = await createGroup(handle.db, schoolId);
		const round = await rounds.open(handle.db, { groupId: group.id, versionId: first!.version.id, openedBy: null });

		const saved = await questionnaires.saveVersion(handle.db, id, { titleNl: 'Veilig', titleEn: 'Safe', questions: [{ ...question('Ik voel me veilig'), randomized: true }, question('Rustig')] });
		expect(saved).toEqual({ number: 2, created: true });
		expect((await questionnaires.load(handle.db, id))!.questions.map((q) => q.randomized)).toEqual([true, false]);
		// The open round keeps answering the version without randomized response.
		const frozen = await loadForRound(handle.db, (await rounds.find(handle.db, round.id))!.versionId);
		expect(frozen!.questions.map((q) => q.randomized)).toEqual([false, false]);

		const copy = await questionnaires.duplicate(handle.db, id, { schoolId, ownerId: null, personal: false });
		expect((await questionnaires.load(handle.db, copy!))!.questions.map((q) => q.randomized)).toEqual([true, false]);
		// Never on a question without a fixed list of single answers.
		await expect(
			questionnaires.saveVersion(handle.db, id, { titleNl: 'V', titleEn: 'S', questions: [{ type: 'one_word', promptNl: 'Woord', promptEn: 'Word', randomized: true }] })
		).rejects.toThrow();
	});

	it('refuses invalid content and unknown ids', async () => {
		const id = await questionnaires.createFromTemplate(handle.db, { schoolId, ownerId: null, personal: false, templateKey: 'exit_ticket' });
		await expect(questionnaires.saveVersion(handle.db, id, { titleNl: '', titleEn: 'x', questions: [] })).rejects.toThrow();
		expect((await questionnaires.load(handle.db, id))!.questions).toHaveLength(3);
		expect(await questionnaires.saveVersion(handle.db, '00000000-0000-0000-0000-000000000000', { titleNl: 'a', titleEn: 'b', questions: [] })).toBeNull();
		expect(await questionnaires.load(handle.db, 'not-a-uuid')).toBeNull();
	});

	it('lists the school ones and the actor’s own, not other teachers’ or archived ones', async () => {
		const teacher = await createStaff(handle.db, { roles: [{ schoolId, role: 'teacher' }] });
		const other = await createStaff(handle.db, { roles: [{ schoolId, role: 'teacher' }] });
		const school = await questionnaires.createFromTemplate(handle.db, { schoolId, ownerId: null, personal: false, templateKey: 'lesson_mirror' });
		const mine = await questionnaires.createFromTemplate(handle.db, { schoolId, ownerId: teacher.id, personal: true, templateKey: 'exit_ticket' });
		await questionnaires.createFromTemplate(handle.db, { schoolId, ownerId: other.id, personal: true, templateKey: 'young_pupils' });
		const archived = await questionnaires.createBlank(handle.db, { schoolId, ownerId: null, personal: false, titleNl: 'Oud', titleEn: 'Old' });
		expect(await questionnaires.archive(handle.db, archived)).toBe(true);
		const group = await createGroup(handle.db, schoolId);
		await rounds.open(handle.db, { groupId: group.id, versionId: (await questionnaires.load(handle.db, school))!.version.id, openedBy: null });

		const list = await questionnaires.listForActor(handle.db, { id: teacher.id, memberships: [{ schoolId, role: 'teacher' }] }, schoolId);
		expect(list.map((q) => [q.id, q.personal, q.questionCount, q.used])).toEqual([
			[school, false, 9, true],
			[mine, true, 3, false]
		]);
	});
});

describe('built-in templates', () => {
	it('lesson mirror has about 8 agree statements covering the six themes', () => {
		const mirror = templates.lesson_mirror.questions;
		expect(mirror.filter((q) => q.type === 'agree5')).toHaveLength(8);
		const covered = new Set(mirror.map((q) => q.theme));
		for (const theme of ['safe_climate', 'classroom_management', 'clear_explanation', 'activating_learning', 'differentiation', 'learning_strategies']) {
			expect(covered).toContain(theme);
		}
		expect(templates.exit_ticket.questions).toHaveLength(3);
		expect(templates.exit_ticket.questions.some((q) => q.type === 'single_choice')).toBe(true);
		expect(templates.young_pupils.questions.every((q) => q.type === 'smiley3')).toBe(true);
	});
});

describe('access', () => {
	const actor = (id: string, ...roles: Array<'teacher' | 'school_leader' | 'care_coordinator' | 'admin'>): Actor => ({
		id,
		memberships: roles.map((role) => ({ schoolId: 'school-a', role }))
	});
	const schoolQ = { schoolId: 'school-a', personal: false, ownerId: null };
	const ownQ = { schoolId: 'school-a', personal: true, ownerId: 't1' };

	it('lets a teacher use school questionnaires but edit only their own personal ones', () => {
		const teacher = actor('t1', 'teacher');
		expect(canView(teacher, schoolQ)).toBe(true);
		expect(canEdit(teacher, schoolQ)).toBe(false);
		expect(canEdit(teacher, ownQ)).toBe(true);
		expect(canView(actor('t2', 'teacher'), ownQ)).toBe(false);
		expect(canEdit(actor('t2', 'teacher'), ownQ)).toBe(false);
		expect(canCreate(teacher, 'school-a', true)).toBe(true);
		expect(canCreate(teacher, 'school-a', false)).toBe(false);
	});

	it('lets a school leader manage school questionnaires, not a teacher’s own', () => {
		const leader = actor('l1', 'school_leader');
		expect(canEdit(leader, schoolQ)).toBe(true);
		expect(canCreate(leader, 'school-a', false)).toBe(true);
		expect(canEdit(leader, ownQ)).toBe(false);
		expect(canCreate(leader, 'school-a', true)).toBe(false);
	});

	it('gives a care coordinator read access to school questionnaires only', () => {
		const coordinator = actor('c1', 'care_coordinator');
		expect(canView(coordinator, schoolQ)).toBe(true);
		expect(canEdit(coordinator, schoolQ)).toBe(false);
		expect(canView(coordinator, ownQ)).toBe(false);
		expect(canCreate(coordinator, 'school-a', false)).toBe(false);
		expect(canCreate(coordinator, 'school-a', true)).toBe(false);
	});

	it('gives nothing in another school, nor to a former teacher who still owns one', () => {
		const stranger: Actor = { id: 't1', memberships: [{ schoolId: 'school-b', role: 'school_leader' }] };
		expect(canView(stranger, schoolQ)).toBe(false);
		expect(canEdit(stranger, schoolQ)).toBe(false);
		expect(canEdit(stranger, ownQ)).toBe(false);
		expect(canEdit(actor('t1', 'care_coordinator'), ownQ)).toBe(false);
	});
});
