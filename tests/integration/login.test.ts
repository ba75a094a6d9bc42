import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, type LoginLimiters } from '../../src/lib/server/auth/login';
import { RateLimiter } from '../../src/lib/server/auth/rate-limit';
import { securityLog, users } from '../../src/lib/server/db/schema';
import { createStaff, TEST_PASSWORD } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

function limiters(max = 10): LoginLimiters {
	return { perIp: new RateLimiter(max, 15 * 60_000), perAccount: new RateLimiter(max, 15 * 60_000) };
}

describe.each(engines)('staff login on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('accepts the right password, case-insensitive e-mail, and logs the success with the IP', async () => {
		const user = await createStaff(handle.db, { email: 'Juf.Anna@School.test' });
		const result = await login(handle.db, { email: ' juf.anna@school.TEST ', password: TEST_PASSWORD, ip: '192.0.2.7' }, limiters());
		expect(result).toEqual({ ok: true, userId: user.id, hasSecondFactor: false });
		const log = await handle.db.select().from(securityLog);
		expect(log).toMatchObject([{ event: 'login_success', userId: user.id, ip: '192.0.2.7' }]);
	});

	it('gives the same answer for an unknown address, a wrong password and a deactivated account', async () => {
		const user = await createStaff(handle.db, { email: 'known@school.test' });
		const deactivated = await createStaff(handle.db, { email: 'gone@school.test' });
		await handle.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, deactivated.id));
		const answers = [
			await login(handle.db, { email: 'unknown@school.test', password: TEST_PASSWORD, ip: null }, limiters()),
			await login(handle.db, { email: 'known@school.test', password: 'wrong password!', ip: null }, limiters()),
			await login(handle.db, { email: 'gone@school.test', password: TEST_PASSWORD, ip: null }, limiters())
		];
		for (const answer of answers) expect(answer).toEqual({ ok: false, reason: 'invalid' });
		// The failure of the unknown address is logged without any link to a person or the address.
		const log = await handle.db.select().from(securityLog);
		expect(log.map((e) => e.userId).sort()).toEqual([null, user.id, deactivated.id].sort());
		expect(JSON.stringify(log)).not.toContain('unknown@school.test');
	});

	it('stops brute force per account: the 11th attempt in the window is refused, even with the right password', async () => {
		await createStaff(handle.db, { email: 'target@school.test' });
		const shared = limiters(10);
		for (let i = 0; i < 10; i++) {
			const ip = `198.51.100.${i}`;
			expect(await login(handle.db, { email: 'target@school.test', password: `guess number ${i}`, ip }, shared)).toEqual({ ok: false, reason: 'invalid' });
		}
		expect(await login(handle.db, { email: 'target@school.test', password: TEST_PASSWORD, ip: '198.51.100.99' }, shared)).toEqual({
			ok: false,
			reason: 'rate_limited'
		});
	});

	it('stops brute force per IP across many accounts', async () => {
		const shared = limiters(10);
		for (let i = 0; i < 10; i++) {
			await login(handle.db, { email: `victim${i}@school.test`, password: 'guess guess guess', ip: '203.0.113.5' }, shared);
		}
		const user = await createStaff(handle.db, { email: 'fresh@school.test' });
		expect(await login(handle.db, { email: 'fresh@school.test', password: TEST_PASSWORD, ip: '203.0.113.5' }, shared)).toEqual({
			ok: false,
			reason: 'rate_limited'
		});
		expect(await login(handle.db, { email: 'fresh@school.test', password: TEST_PASSWORD, ip: '203.0.113.6' }, shared)).toMatchObject({
			ok: true,
			userId: user.id
		});
	});
});
