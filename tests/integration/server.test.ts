import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/client';
import { schools } from '../../src/lib/server/db/schema';
import { runUntilExit, startServer, type RunningServer } from '../helpers/server';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { createPostgresDatabase, migrationsDir } from '../helpers/test-db';

async function healthz(server: RunningServer) {
	const response = await fetch(`${server.url}/healthz`);
	return { status: response.status, body: (await response.json()) as { status: string; database: { engine: string; up: boolean } } };
}

describe('server start-up', () => {
	it.each([
		['PORT', 'abc'],
		['DATABASE_URL', 'mysql://somewhere/db'],
		['LOG_LEVEL', 'loud']
	])('stops on a bad %s with one clear line', async (name, value) => {
		const { code, output } = await runUntilExit({ [name]: value, DATA_DIR: os.tmpdir() });
		expect(code).toBe(1);
		const lines = output.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name}=.*`));
	});
});

describe('server on embedded PGlite', () => {
	let dataDir: string;
	beforeAll(async () => {
		dataDir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-pglite-'));
	});
	afterAll(async () => {
		await rm(dataDir, { recursive: true, force: true });
	});

	it('serves pages with the security headers and a same-origin CSP', async () => {
		const server = await startServer({ DATA_DIR: dataDir });
		try {
			const response = await fetch(`${server.url}/`);
			expect(response.status).toBe(200);
			const csp = response.headers.get('content-security-policy') ?? '';
			expect(csp).toContain("default-src 'self'");
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).not.toMatch(/https?:\/\//);
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('referrer-policy')).toBe('same-origin');
			expect(response.headers.get('permissions-policy')).toContain('camera=()');
			// Served over plain http without ORIGIN: HSTS would be a lie.
			expect(response.headers.get('strict-transport-security')).toBeNull();
			expect(response.headers.get('set-cookie')).toBeNull();
			expect(await healthz(server)).toEqual({ status: 200, body: { status: 'ok', database: { engine: 'pglite', up: true } } });
		} finally {
			await server.stop();
		}
	});

	it('sends HSTS when it is served over https', async () => {
		const server = await startServer({ DATA_DIR: dataDir, ORIGIN: 'https://lesspiegel.example' });
		try {
			const response = await fetch(`${server.url}/healthz`);
			expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
		} finally {
			await server.stop();
		}
	});

	it('exits within 10 seconds of SIGTERM, mid-request, and keeps its data', async () => {
		const first = await startServer({ DATA_DIR: dataDir });
		const inFlight = Array.from({ length: 20 }, () => fetch(`${first.url}/healthz`).then((r) => r.status).catch(() => 'cut'));
		const stopped = await first.stop('SIGTERM');
		await Promise.all(inFlight);
		expect(stopped.code).toBe(0);
		expect(stopped.ms).toBeLessThan(10_000);

		// The folder reopens cleanly and takes a write, and a restarted server reads it back.
		const direct = await openDatabase({ engine: 'pglite', dataDir, migrationsDir });
		await direct.db.insert(schools).values({ name: 'Na de herstart' });
		await direct.close();

		const second = await startServer({ DATA_DIR: dataDir });
		expect((await healthz(second)).status).toBe(200);
		const again = await second.stop('SIGINT');
		expect(again.code).toBe(0);
		expect(again.ms).toBeLessThan(10_000);

		const reopened = await openDatabase({ engine: 'pglite', dataDir, migrationsDir });
		const names = (await reopened.db.select({ name: schools.name }).from(schools)).map((s) => s.name);
		await reopened.close();
		expect(names).toContain('Na de herstart');
	});
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('server on PostgreSQL', () => {
	it('starts two instances at once on one database', async () => {
		const database = await createPostgresDatabase();
		try {
			const servers = await Promise.all([startServer({ DATABASE_URL: database.url }), startServer({ DATABASE_URL: database.url })]);
			try {
				for (const server of servers) {
					expect(await healthz(server)).toEqual({ status: 200, body: { status: 'ok', database: { engine: 'postgres', up: true } } });
				}
			} finally {
				await Promise.all(servers.map((s) => s.stop()));
			}
		} finally {
			await database.drop();
		}
	});

	it('answers 503 on /healthz while the database is unreachable, and 200 when it is back', async () => {
		const database = await createPostgresDatabase();
		const target = new URL(database.url);
		const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
		const viaProxy = new URL(database.url);
		viaProxy.hostname = '127.0.0.1';
		viaProxy.port = String(proxy.port);
		const server = await startServer({ DATABASE_URL: viaProxy.toString() });
		try {
			expect((await healthz(server)).status).toBe(200);
			await proxy.cut();
			expect(await healthz(server)).toMatchObject({ status: 503, body: { status: 'unavailable', database: { up: false } } });
			await proxy.restore();
			await expect.poll(async () => (await healthz(server)).status, { timeout: 15_000, interval: 250 }).toBe(200);
		} finally {
			const stopped = await server.stop();
			expect(stopped.ms).toBeLessThan(10_000);
			await proxy.close();
			await database.drop();
		}
	});
});
