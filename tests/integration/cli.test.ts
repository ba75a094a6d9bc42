import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEntry, root } from '../../scripts/build-if-stale.js';
import { verifyPassword } from '../../src/lib/server/auth/passwords';
import { createSession } from '../../src/lib/server/auth/sessions';
import { openDatabase } from '../../src/lib/server/db/client';
import { memberships, schools, securityLog, sessions, users } from '../../src/lib/server/db/schema';
import { createPostgresDatabase, migrationsDir } from '../helpers/test-db';

const PASSWORD = 'een lang beheerderswachtwoord';
const NEW_PASSWORD = 'een nieuw lang wachtwoord';

/** The built command line (build-cli/, made by the global setup) on an embedded database folder. */
describe('command line', () => {
	let dataDir: string;
	beforeEach(() => {
		dataDir = mkdtempSync(path.join(tmpdir(), 'lesspiegel-cli-'));
	});
	afterEach(() => {
		rmSync(dataDir, { recursive: true, force: true });
	});

	function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
		const child = spawn(process.execPath, [cliEntry, ...args], {
			cwd: root,
			env: { PATH: process.env.PATH, DATA_DIR: dataDir, MIGRATIONS_DIR: migrationsDir, ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
	}

	async function withDatabase<T>(use: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
		const handle = await openDatabase({ engine: 'pglite', dataDir, migrationsDir });
		try {
			return await use(handle.db);
		} finally {
			await handle.close();
		}
	}

	it('creates an admin in a new school, then resets that password and ends the sessions', async () => {
		const created = await cli(
			['create-admin', '--email', 'Anna@School.nl', '--school', 'De Regenboog', '--first-name', 'Anna'],
			{ LESSPIEGEL_PASSWORD: PASSWORD }
		);
		expect(created).toMatchObject({ code: 0, stderr: '' });
		expect(created.stdout).toContain('Created admin anna@school.nl in school "De Regenboog"');

		await withDatabase(async (db) => {
			const [user] = await db.select().from(users);
			expect(user).toMatchObject({ email: 'anna@school.nl', firstName: 'Anna', lastName: null, totpKey: null });
			expect(await verifyPassword(user!.passwordHash, PASSWORD)).toBe(true);
			const roles = await db.select({ role: memberships.role, school: schools.name }).from(memberships).innerJoin(schools, eq(schools.id, memberships.schoolId));
			expect(roles).toEqual([{ role: 'admin', school: 'De Regenboog' }]);
			await createSession(db, user!.id, { absoluteMs: 3_600_000, idleMs: 1_800_000 }, true);
		});

		const reset = await cli(['reset-password', '--email', 'anna@school.nl'], { LESSPIEGEL_PASSWORD: NEW_PASSWORD });
		expect(reset).toMatchObject({ code: 0, stderr: '' });
		await withDatabase(async (db) => {
			const [user] = await db.select().from(users);
			expect(await verifyPassword(user!.passwordHash, NEW_PASSWORD)).toBe(true);
			expect(await db.select().from(sessions)).toEqual([]);
			expect(await db.select({ event: securityLog.event }).from(securityLog)).toEqual([{ event: 'password_reset' }]);
		});
	});

	it('adds an admin to an existing school by id and runs retention', async () => {
		const schoolId = await withDatabase(async (db) => (await db.insert(schools).values({ name: 'Het Baken' }).returning())[0]!.id);
		const created = await cli(['create-admin', '--email', 'bram@school.nl', '--school-id', schoolId], { LESSPIEGEL_PASSWORD: PASSWORD });
		expect(created.code).toBe(0);
		expect(created.stdout).toContain('"Het Baken"');
		const retention = await cli(['retention']);
		expect(retention).toMatchObject({ code: 0, stderr: '' });
		expect(retention.stdout).toMatch(/securityLogEntries 0, deactivatedAccounts 0, sessions 0/);
	});

	it.each([
		[['create-admin', '--school', 'X'], 'Missing --email.'],
		[['create-admin', '--email', 'not-an-address', '--school', 'X'], 'Not an e-mail address: not-an-address'],
		[['create-admin', '--email', 'a@school.nl'], 'Give either --school "Name" or --school-id ID.'],
		[['create-admin', '--email', 'a@school.nl', '--school', 'X', '--colour', 'red'], "create-admin: Unknown option '--colour'"],
		[['create-admin', '--email', 'a@school.nl', '--school-id', '42'], 'Not a school id: 42'],
		[['frobnicate'], 'Unknown command "frobnicate"; try "help".'],
		[['backup'], 'Missing --to FILE.'],
		[['security-log', '--since', 'yesterday'], 'Not a day (YYYY-MM-DD): yesterday'],
		[['restore', '--to', 'x'], "restore: Unknown option '--to'"],
		[['move-to-postgres'], 'Set TARGET_DATABASE_URL to the postgres:// URL of the (empty) database to move to.']
	])('refuses %j with one clear line', async (args, message) => {
		const result = await cli(args, { LESSPIEGEL_PASSWORD: PASSWORD });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(`lesspiegel: ${message}\n`);
	});

	it('refuses a weak or missing password, an unknown account and an existing address', async () => {
		const weak = await cli(['create-admin', '--email', 'a@school.nl', '--school', 'X'], { LESSPIEGEL_PASSWORD: 'kort' });
		expect(weak).toMatchObject({ code: 1, stderr: 'lesspiegel: The password is too short (at least 10 characters).\n' });
		const missing = await cli(['reset-password', '--email', 'a@school.nl']);
		expect(missing).toMatchObject({ code: 1, stderr: 'lesspiegel: Set LESSPIEGEL_PASSWORD, or run this in a terminal to type the password.\n' });
		const unknown = await cli(['reset-password', '--email', 'nobody@school.nl'], { LESSPIEGEL_PASSWORD: PASSWORD });
		expect(unknown).toMatchObject({ code: 1, stderr: 'lesspiegel: There is no account with e-mail nobody@school.nl.\n' });
		expect((await cli(['create-admin', '--email', 'a@school.nl', '--school', 'X'], { LESSPIEGEL_PASSWORD: PASSWORD })).code).toBe(0);
		const again = await cli(['create-admin', '--email', 'A@school.nl', '--school', 'Y'], { LESSPIEGEL_PASSWORD: PASSWORD });
		expect(again).toMatchObject({ code: 1, stderr: 'lesspiegel: An account with e-mail a@school.nl already exists.\n' });
	});

	it('refuses a data folder that another process (the server) has open', async () => {
		await withDatabase(async () => {
			const result = await cli(['retention']);
			expect(result.code).toBe(1);
			expect(result.stderr).toBe(
				`lesspiegel: The embedded database in ${dataDir} is in use by process ${process.pid} (stop the server first, or set DATABASE_URL)\n`
			);
		});
	});

	it('prints the security log since a day as JSON lines, for a breach report', async () => {
		expect((await cli(['create-admin', '--email', 'a@school.nl', '--school', 'De Regenboog'], { LESSPIEGEL_PASSWORD: PASSWORD })).code).toBe(0);
		const [admin] = await withDatabase((db) => db.select({ id: users.id }).from(users));
		await withDatabase((db) => db.insert(securityLog).values([
			{ event: 'login_failure', userId: admin!.id, ip: '192.0.2.7', at: new Date('2026-11-30T23:59:00Z') },
			{ event: 'login_success', userId: admin!.id, ip: '192.0.2.8', at: new Date('2026-12-01T08:00:00Z') }
		]));
		const result = await cli(['security-log', '--since', '2026-12-01']);
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
			{ at: '2026-12-01T08:00:00.000Z', event: 'login_success', email: 'a@school.nl', actorEmail: null, ip: '192.0.2.8' }
		]);
		expect(result.stderr).toBe('1 entries since 2026-12-01.\n');
	});

	it('prints its help', async () => {
		const result = await cli(['help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('create-admin --email E');
	});

	it('backs up the embedded database to a file and restores it, refusing a filled database without --force', async () => {
		expect((await cli(['create-admin', '--email', 'a@school.nl', '--school', 'De Regenboog'], { LESSPIEGEL_PASSWORD: PASSWORD })).code).toBe(0);
		const file = path.join(dataDir, 'backup.jsonl.gz');
		const backup = await cli(['backup', '--to', file]);
		expect(backup).toMatchObject({ code: 0, stderr: '' });
		expect(backup.stdout).toMatch(/Backed up schools: 1\/1 rows/);
		expect(backup.stdout).toMatch(new RegExp(`Backup written to ${file}: \\d+ rows in \\d+ tables`));

		const refused = await cli(['restore', '--from', file]);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch(/^lesspiegel: The database is not empty \(.*schools 1.*\): restore --force replaces everything in it\.\n$/);
		await withDatabase((db) => db.update(schools).set({ name: 'Veranderd' }));
		const restored = await cli(['restore', '--from', file, '--force']);
		expect(restored).toMatchObject({ code: 0, stderr: '' });
		expect(restored.stdout).toContain('Restored ');
		expect(await withDatabase((db) => db.select({ name: schools.name }).from(schools))).toEqual([{ name: 'De Regenboog' }]);

		const missing = await cli(['restore', '--from', path.join(dataDir, 'nothing.gz')]);
		expect(missing).toMatchObject({ code: 1, stderr: `lesspiegel: There is no file ${path.join(dataDir, 'nothing.gz')}.\n` });
	});

	it.skipIf(!process.env.TEST_DATABASE_URL)('moves the embedded database to PostgreSQL with one command', async () => {
		expect((await cli(['create-admin', '--email', 'a@school.nl', '--school', 'De Regenboog'], { LESSPIEGEL_PASSWORD: PASSWORD })).code).toBe(0);
		const target = await createPostgresDatabase();
		try {
			const moved = await cli(['move-to-postgres'], { TARGET_DATABASE_URL: target.url });
			expect(moved).toMatchObject({ code: 0, stderr: '' });
			expect(moved.stdout).toMatch(/Moved \d+ rows in \d+ tables to PostgreSQL/);
			const server = await openDatabase({ engine: 'postgres', url: target.url, poolSize: 1, migrationsDir });
			try {
				expect(await server.db.select({ email: users.email }).from(users)).toEqual([{ email: 'a@school.nl' }]);
				expect(await server.db.select({ name: schools.name }).from(schools)).toEqual([{ name: 'De Regenboog' }]);
			} finally {
				await server.close();
			}
			const again = await cli(['move-to-postgres'], { TARGET_DATABASE_URL: target.url });
			expect(again.code).toBe(1);
			expect(again.stderr).toMatch(/not empty/);
		} finally {
			await target.drop();
		}
	});
});
