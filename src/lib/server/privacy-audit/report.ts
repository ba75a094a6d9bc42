import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { schools } from '../db/schema';
import { checkSchoolData } from './data-check';
import type { Check } from './findings';
import { checkInstance, type Fetcher } from './instance-check';
import { checkSchema } from './schema-check';

/**
 * The privacy self-test a school runs against its own instance (the privacy officer's page and
 * `npm run cli -- privacy-audit`): the schema audit, the student side as a phone meets it, and
 * the k rule on the school's data. Dated, so it can be filed with the school's DPIA.
 */
export interface PrivacyReport {
	at: Date;
	school: string;
	origin: string;
	ok: boolean;
	checks: Check[];
}

export async function runPrivacyAudit(input: { db: Database; schoolId: string; fetcher: Fetcher; origin: string; now?: Date }): Promise<PrivacyReport | null> {
	const [school] = await input.db.select({ name: schools.name }).from(schools).where(eq(schools.id, input.schoolId));
	if (!school) return null;
	const checks = [
		...(await checkSchema(input.db)),
		...(await checkInstance(input.fetcher, input.origin)),
		...(await checkSchoolData(input.db, input.schoolId))
	];
	return { at: input.now ?? new Date(), school: school.name, origin: input.origin, ok: checks.every((c) => c.ok), checks };
}
