import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageWeight, STUDENT_PAGE_BUDGET_BYTES } from '../../bench/page-weight.js';
import type { Database } from '../../src/lib/server/db/client';
import * as rounds from '../../src/lib/server/rounds/rounds';
import { createGroup, createQuestionnaireVersion, createSchool } from '../helpers/factories';
import { startSeededServer, type SeededServer } from '../helpers/seeded-server';

async function seed(db: Database) {
	const school = await createSchool(db);
	const group = await createGroup(db, school.id);
	// One question of every type: every control the questionnaire page can draw.
	const version = await createQuestionnaireVersion(db, school.id);
	return rounds.open(db, { groupId: group.id, versionId: version.versionId, openedBy: null });
}

// A size budget, not a timing: the same build always weighs the same.
describe('student page weight (QUALITY.md: HTML+CSS+JS <= 40 KB compressed)', () => {
	let app: SeededServer<Awaited<ReturnType<typeof seed>>>;

	beforeAll(async () => {
		app = await startSeededServer('pglite', seed);
	});
	afterAll(() => app.destroy());

	it.each([
		['the home page with the code field', '/'],
		['the questionnaire page', '/r/{code}'],
		['the English questionnaire page', '/en/r/{code}']
	])('%s stays within the budget, every file same-origin', async (_, path) => {
		const weight = await pageWeight(`${app.server.url}${path.replace('{code}', app.seed.joinCode)}`);
		expect(weight.files.length).toBeGreaterThan(1); // the HTML and at least its stylesheet
		expect(weight.bytes).toBeGreaterThan(1_000);
		expect(weight.bytes).toBeLessThanOrEqual(STUDENT_PAGE_BUDGET_BYTES);
	});
});
