import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { login, type LoginLimiters } from '../../src/lib/server/auth/login';
import * as passwordResets from '../../src/lib/server/auth/password-resets';
import { RateLimiter } from '../../src/lib/server/auth/rate-limit';
import { createSession, validateSessionToken, type SessionLimits } from '../../src/lib/server/auth/sessions';
import { passwordResets as resetsTable, securityLog, sessions } from '../../src/lib/server/db/schema';
import { createStaff, TEST_PASSWORD } from '../helpers/factories';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const ORIGIN = 'https://lesspiegel.test';
const NEW_PASSWORD = 'mijn nieuwe wachtwoord';
const limits: SessionLimits = { absoluteMs: 12 * 3_600_000, idleMs: 30 * 60_000 };
const tokenOf = (link: string) => link.slice(`${ORIGIN}/reset/`.length);
const limiters = (): LoginLimiters => ({ perIp: new RateLimiter(100, 60_000), perAccount: new RateLimiter(100, 60_000) });

describe.each(engines)('password resets on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('set the new password: login works with it and no longer with the old one', async () => {
		const user = await createStaff(handle.db, { email: 'meester@school.test' });
		const link = await passwordResets.create(handle.db, user.id, ORIGIN);
		expect(link).toMatch(/^https:\/\/lesspiegel\.test\/reset\/[a-z2-7]{32}$/);
		expect(await passwordResets.find(handle.db, tokenOf(link))).toEqual({ userId: user.id, email: 'meester@school.test' });
		expect(await passwordResets.complete(handle.db, tokenOf(link), NEW_PASSWORD, '192.0.2.9')).toEqual({ ok: true, userId: user.id });
		const attempt = (password: string) => login(handle.db, { email: 'meester@school.test', password, ip: null }, limiters());
		expect(await attempt(NEW_PASSWORD)).toMatchObject({ ok: true, userId: user.id });
		expect(await attempt(TEST_PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
		const log = await handle.db.select().from(securityLog);
		expect(log).toContainEqual(expect.objectContaining({ event: 'password_reset', userId: user.id, ip: '192.0.2.9' }));
	});

	it('end every session of the user and no one else', async () => {
		const user = await createStaff(handle.db);
		const other = await createStaff(handle.db);
		const a = await createSession(handle.db, user.id, limits, true);
		await createSession(handle.db, user.id, limits, false);
		const theirs = await createSession(handle.db, other.id, limits, true);
		const link = await passwordResets.create(handle.db, user.id, ORIGIN);
		await passwordResets.complete(handle.db, tokenOf(link), NEW_PASSWORD, null);
		expect(await validateSessionToken(handle.db, a.token, limits)).toBeNull();
		expect((await handle.db.select({ userId: sessions.userId }).from(sessions)).map((s) => s.userId)).toEqual([other.id]);
		expect(await validateSessionToken(handle.db, theirs.token, limits)).not.toBeNull();
	});

	it('work once, store only a hash, and only the newest link works', async () => {
		const user = await createStaff(handle.db);
		const first = tokenOf(await passwordResets.create(handle.db, user.id, ORIGIN));
		const second = tokenOf(await passwordResets.create(handle.db, user.id, ORIGIN));
		const rows = await handle.db.select().from(resetsTable);
		expect(rows).toHaveLength(1);
		expect(JSON.stringify(rows)).not.toContain(second);
		expect(await passwordResets.complete(handle.db, first, NEW_PASSWORD, null)).toEqual({ ok: false, reason: 'invalid_link' });
		expect(await passwordResets.complete(handle.db, second, 'too short', null)).toEqual({ ok: false, reason: 'too_short' });
		expect(await passwordResets.complete(handle.db, second, NEW_PASSWORD, null)).toMatchObject({ ok: true });
		expect(await passwordResets.complete(handle.db, second, 'yet another password', null)).toEqual({ ok: false, reason: 'invalid_link' });
		expect(await handle.db.select().from(resetsTable)).toEqual([]);
	});

	it('expire after the configured time and are then deleted by deleteExpired', async () => {
		const user = await createStaff(handle.db);
		const token = tokenOf(await passwordResets.create(handle.db, user.id, ORIGIN));
		const later = new Date(Date.now() + 61 * 60_000);
		expect(await passwordResets.find(handle.db, token, later)).toBeNull();
		expect(await passwordResets.complete(handle.db, token, NEW_PASSWORD, null, later)).toEqual({ ok: false, reason: 'invalid_link' });
		expect(await passwordResets.deleteExpired(handle.db, new Date())).toBe(0);
		expect(await passwordResets.deleteExpired(handle.db, later)).toBe(1);
	});

	it('are made by address only for an active account', async () => {
		const user = await createStaff(handle.db, { email: 'actief@school.test' });
		expect(await passwordResets.createForEmail(handle.db, 'nobody@school.test', ORIGIN)).toBeNull();
		const link = await passwordResets.createForEmail(handle.db, ' Actief@School.test', ORIGIN);
		expect(await passwordResets.find(handle.db, tokenOf(link!))).toMatchObject({ userId: user.id });
	});
});
