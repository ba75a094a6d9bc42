import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secondFactorRequired } from '../../src/lib/server/auth/second-factor-policy';
import * as totp from '../../src/lib/server/auth/totp';
import { schools } from '../../src/lib/server/db/schema';
import * as memberships from '../../src/lib/server/org/memberships';
import { createSchool, createStaff } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const step = () => Math.floor(Date.now() / 30_000);
const code = (s: number) => generateHOTP(decodeBase32IgnorePadding(KEY), BigInt(s), 6);

describe.each(engines)('second factor on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	async function enrolled() {
		const user = await createStaff(handle.db);
		await totp.enable(handle.db, user.id, KEY, null, null);
		return user;
	}

	it('accepts an authenticator code once: the same code again is refused (ASVS 2.8.4)', async () => {
		const user = await enrolled();
		const now = code(step());
		expect(await totp.verifySecondFactor(handle.db, user.id, now, null)).toBe(true);
		expect(await totp.verifySecondFactor(handle.db, user.id, now, null)).toBe(false);
	});

	it('refuses a code of an earlier step once a later one was used', async () => {
		const user = await enrolled();
		expect(await totp.verifySecondFactor(handle.db, user.id, code(step() + 1), null)).toBe(true);
		expect(await totp.verifySecondFactor(handle.db, user.id, code(step()), null)).toBe(false);
	});

	it('lets exactly one of two simultaneous uses of a code through', async () => {
		const user = await enrolled();
		const now = code(step());
		const results = await Promise.all([1, 2, 3].map(() => totp.verifySecondFactor(handle.db, user.id, now, null)));
		expect(results.filter(Boolean)).toHaveLength(1);
	});

	it('uses up the code that confirmed the enrolment', async () => {
		const user = await createStaff(handle.db);
		const now = code(step());
		await totp.enable(handle.db, user.id, KEY, totp.matchingStep(KEY, now), null);
		expect(await totp.verifySecondFactor(handle.db, user.id, now, null)).toBe(false);
	});

	it('recovery codes stay single-use', async () => {
		const user = await createStaff(handle.db);
		const [recovery] = await totp.enable(handle.db, user.id, KEY, null, null);
		expect(await totp.verifySecondFactor(handle.db, user.id, recovery!, null)).toBe(true);
		expect(await totp.verifySecondFactor(handle.db, user.id, recovery!, null)).toBe(false);
	});

	it('is required of admins always and of school leaders unless their school turns it off', async () => {
		const school = await createSchool(handle.db);
		const other = await createSchool(handle.db);
		await handle.db.update(schools).set({ leadersNeedSecondFactor: false }).where(eq(schools.id, other.id));
		const admin = await createStaff(handle.db, { roles: [{ schoolId: other.id, role: 'admin' }] });
		const leader = await createStaff(handle.db, { roles: [{ schoolId: school.id, role: 'school_leader' }] });
		const relaxedLeader = await createStaff(handle.db, { roles: [{ schoolId: other.id, role: 'school_leader' }] });
		const teacher = await createStaff(handle.db, { roles: [{ schoolId: school.id, role: 'teacher' }] });
		const care = await createStaff(handle.db, { roles: [{ schoolId: school.id, role: 'care_coordinator' }] });
		const required = async (id: string) => secondFactorRequired(await memberships.ofUser(handle.db, id));
		expect(await required(admin.id)).toBe(true);
		expect(await required(leader.id)).toBe(true);
		expect(await required(relaxedLeader.id)).toBe(false);
		expect(await required(teacher.id)).toBe(false);
		expect(await required(care.id)).toBe(false);
	});
});
