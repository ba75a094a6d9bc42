import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';
import { asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEntry, root } from '../../scripts/build-if-stale.js';
import { DEMO_PASSWORD, DEMO_TOTP_KEY, seedDemo } from '../../src/cli/demo';
import { passwordProblem, verifyPassword } from '../../src/lib/server/auth/passwords';
import { matchingStep } from '../../src/lib/server/auth/totp';
import { openDatabase } from '../../src/lib/server/db/client';
import { answerCounts, ballots, groups, groupTeachers, memberships, questionnaires, roundTallies, rounds, schools, users } from '../../src/lib/server/db/schema';
import { createStaff } from '../helpers/factories';
import { engines, migrationsDir, openTestDatabase, type TestDatabase } from '../helpers/test-db';

const NOW = new Date(2026, 10, 23, 12, 0);

describe.each(engines)('demo data on %s', (engine) => {
	let handle: TestDatabase;
	beforeEach(async () => {
		handle = await openTestDatabase(engine);
	});
	afterEach(async () => {
		await handle.destroy();
	});

	it('fills a school the way real rounds would, and refuses a second time', async () => {
		const { db } = handle;
		const progress: number[] = [];
		const result = await seedDemo(db, { now: NOW, onProgress: (done) => progress.push(done) });

		const [school] = await db.select().from(schools);
		expect(school).toMatchObject({ name: 'Demoschool De Vlinder', minGroupSize: 5 });
		const roles = await db.select({ role: memberships.role, email: users.email, totpKey: users.totpKey }).from(memberships).innerJoin(users, eq(users.id, memberships.userId));
		expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'care_coordinator', 'school_leader', 'teacher', 'teacher']);
		expect(roles.every((r) => r.email.endsWith('@demo.lesspiegel.invalid'))).toBe(true);
		expect(roles.filter((r) => r.totpKey).map((r) => r.role).sort()).toEqual(['admin', 'school_leader']);
		expect(roles.find((r) => r.role === 'admin')!.totpKey).toBe(DEMO_TOTP_KEY);
		// The printed key works in an authenticator app: what it would show now is accepted.
		expect(matchingStep(DEMO_TOTP_KEY, generateTOTP(decodeBase32IgnorePadding(DEMO_TOTP_KEY), 30, 6))).not.toBeNull();
		expect(passwordProblem(DEMO_PASSWORD)).toBeNull();
		const [someone] = await db.select({ passwordHash: users.passwordHash }).from(users).limit(1);
		expect(await verifyPassword(someone!.passwordHash, DEMO_PASSWORD)).toBe(true);
		expect(await db.select().from(questionnaires)).toHaveLength(3);

		const teaching = await db
			.select({ group: groups.name, teacher: users.email })
			.from(groups)
			.innerJoin(groupTeachers, eq(groupTeachers.groupId, groups.id))
			.innerJoin(users, eq(users.id, groupTeachers.userId))
			.orderBy(asc(groups.name));
		expect(teaching).toEqual([
			{ group: 'Groep 5', teacher: 'leerkracht1@demo.lesspiegel.invalid' },
			{ group: 'Groep 6', teacher: 'leerkracht1@demo.lesspiegel.invalid' },
			{ group: 'Groep 7', teacher: 'leerkracht2@demo.lesspiegel.invalid' },
			{ group: 'Groep 8', teacher: 'leerkracht2@demo.lesspiegel.invalid' },
			{ group: 'Groep 8b', teacher: 'leerkracht2@demo.lesspiegel.invalid' }
		]);

		const closed = await db
			.select({ id: rounds.id, group: groups.name, n: roundTallies.n, openedAt: rounds.openedAt, closedAt: rounds.closedAt })
			.from(rounds)
			.innerJoin(groups, eq(groups.id, rounds.groupId))
			.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
			.where(isNotNull(rounds.closedAt));
		expect(closed.length).toBe(result.closedRounds);
		expect(progress.at(-1)).toBe(closed.length);
		for (const name of ['Groep 5', 'Groep 6', 'Groep 7', 'Groep 8', 'Groep 8b']) {
			expect(closed.filter((r) => r.group === name).length).toBeGreaterThanOrEqual(10);
		}
		for (const round of closed) {
			const [min, max] = round.group === 'Groep 8b' ? [1, 4] : [18, 30];
			expect(round.n).toBeGreaterThanOrEqual(min);
			expect(round.n).toBeLessThanOrEqual(max);
			expect(round.openedAt < round.closedAt!).toBe(true);
			expect(round.closedAt! < NOW).toBe(true);
		}
		expect(result.submissions).toBe(closed.reduce((sum, r) => sum + r.n, 0));
		expect(await db.select().from(ballots).where(inArray(ballots.roundId, closed.map((r) => r.id)))).toEqual([]);

		// Per question the counts never exceed the round's n (the templates have no multiple choice).
		const perQuestion = (comparison: string) =>
			db
				.select({ roundId: answerCounts.roundId })
				.from(answerCounts)
				.innerJoin(roundTallies, eq(roundTallies.roundId, answerCounts.roundId))
				.groupBy(answerCounts.roundId, answerCounts.questionId, roundTallies.n)
				.having(sql`sum(${answerCounts.n}) ${sql.raw(comparison)} ${roundTallies.n}`);
		expect(await perQuestion('>')).toEqual([]);
		// Some pupils skipped questions, as real ones do.
		expect((await perQuestion('<')).length).toBeGreaterThan(0);

		const open = await db.select({ joinCode: rounds.joinCode, group: groups.name }).from(rounds).innerJoin(groups, eq(groups.id, rounds.groupId)).where(isNull(rounds.closedAt));
		expect(open).toEqual([{ joinCode: result.openRound.joinCode, group: 'Groep 7' }]);

		await expect(seedDemo(db, { now: NOW })).rejects.toThrow('already has staff accounts');
		const second = await seedDemo(db, { now: NOW, forceNewSchool: true });
		expect(second.schoolName).toBe('Demoschool De Vlinder 2');
		expect(second.logins[0]!.email).toBe('beheerder2@demo.lesspiegel.invalid');
		expect(second.submissions).toBe(result.submissions);
	});
});

describe('demo command', () => {
	let dataDir: string;
	beforeEach(() => {
		dataDir = mkdtempSync(path.join(tmpdir(), 'lesspiegel-demo-'));
	});
	afterEach(() => {
		rmSync(dataDir, { recursive: true, force: true });
	});

	function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
		const child = spawn(process.execPath, [cliEntry, ...args], {
			cwd: root,
			env: { PATH: process.env.PATH, DATA_DIR: dataDir, MIGRATIONS_DIR: migrationsDir },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
	}

	it('refuses a database that already has staff, with one line', async () => {
		const handle = await openDatabase({ engine: 'pglite', dataDir, migrationsDir });
		try {
			await createStaff(handle.db);
		} finally {
			await handle.close();
		}
		const result = await cli(['demo']);
		expect(result).toMatchObject({
			code: 1,
			stdout: '',
			stderr: 'lesspiegel: The database already has staff accounts; the demo only fills an empty one (add --force-new-school to add another demo school).\n'
		});
	});

	it('refuses an unknown option with exit code 2', async () => {
		const result = await cli(['demo', '--force']);
		expect(result).toMatchObject({ code: 2, stderr: "lesspiegel: demo: Unknown option '--force'\n" });
	});
});
