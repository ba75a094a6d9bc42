import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	createSession,
	invalidateSession,
	invalidateUserSessions,
	validateSessionToken,
	type SessionLimits
} from '../../src/lib/server/auth/sessions';
import { hashToken } from '../../src/lib/server/auth/tokens';
import { sessions, users } from '../../src/lib/server/db/schema';
import { createStaff } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const limits: SessionLimits = { absoluteMs: 12 * 3_600_000, idleMs: 30 * 60_000 };
const minutes = (n: number) => n * 60_000;

describe.each(engines)('staff sessions on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('store only the SHA-256 of the token', async () => {
		const user = await createStaff(handle.db);
		const { token } = await createSession(handle.db, user.id, limits, true);
		const rows = await handle.db.select({ id: sessions.id }).from(sessions);
		expect(rows).toEqual([{ id: hashToken(token) }]);
		expect(rows[0]!.id).not.toContain(token);
	});

	it('slide with activity and end after the idle timeout', async () => {
		const user = await createStaff(handle.db);
		const start = new Date('2026-11-23T08:00:00Z');
		const { token } = await createSession(handle.db, user.id, limits, true, start);
		const at = (ms: number) => new Date(start.getTime() + ms);
		expect(await validateSessionToken(handle.db, token, limits, at(minutes(25)))).not.toBeNull();
		// Activity at 25 minutes moves the idle deadline to 55 minutes.
		expect(await validateSessionToken(handle.db, token, limits, at(minutes(50)))).not.toBeNull();
		expect(await validateSessionToken(handle.db, token, limits, at(minutes(50) + minutes(31)))).toBeNull();
		// An ended session is gone, not merely refused.
		expect(await handle.db.select().from(sessions)).toEqual([]);
	});

	it('end at the absolute lifetime however active they are', async () => {
		const user = await createStaff(handle.db);
		const start = new Date('2026-11-23T08:00:00Z');
		const { token } = await createSession(handle.db, user.id, limits, true, start);
		for (let t = minutes(20); t < limits.absoluteMs; t += minutes(20)) {
			expect(await validateSessionToken(handle.db, token, limits, new Date(start.getTime() + t))).not.toBeNull();
		}
		expect(await validateSessionToken(handle.db, token, limits, new Date(start.getTime() + limits.absoluteMs))).toBeNull();
	});

	it('end on logout, and all other sessions end together when asked', async () => {
		const user = await createStaff(handle.db);
		const other = await createStaff(handle.db);
		const a = await createSession(handle.db, user.id, limits, true);
		const b = await createSession(handle.db, user.id, limits, true);
		const c = await createSession(handle.db, user.id, limits, true);
		const theirs = await createSession(handle.db, other.id, limits, true);

		await invalidateSession(handle.db, a.session.id);
		expect(await validateSessionToken(handle.db, a.token, limits)).toBeNull();

		await invalidateUserSessions(handle.db, user.id, b.session.id);
		expect(await validateSessionToken(handle.db, b.token, limits)).not.toBeNull();
		expect(await validateSessionToken(handle.db, c.token, limits)).toBeNull();
		expect(await validateSessionToken(handle.db, theirs.token, limits)).not.toBeNull();

		await invalidateUserSessions(handle.db, user.id);
		expect(await validateSessionToken(handle.db, b.token, limits)).toBeNull();
	});

	it('refuse a deactivated account', async () => {
		const user = await createStaff(handle.db);
		const { token } = await createSession(handle.db, user.id, limits, true);
		await handle.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, user.id));
		expect(await validateSessionToken(handle.db, token, limits)).toBeNull();
	});

	it('refuse unknown and malformed tokens', async () => {
		expect(await validateSessionToken(handle.db, 'not-a-token', limits)).toBeNull();
		expect(await validateSessionToken(handle.db, '', limits)).toBeNull();
	});
});
