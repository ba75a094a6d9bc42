import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configVariables } from '../../src/lib/server/config';
import { serverNodeFlags } from '../../scripts/server-node-flags.js';
import { caddyUnavailable } from '../helpers/caddy';

/**
 * The container files of the documented deployment (docs/operations.md), checked where no
 * Docker engine runs: the Dockerfile parses and keeps its promises (two stages, a runtime of
 * only what server.js needs, an unprivileged user, a health check, no secret), compose.yaml is
 * what `docker compose config` accepts and has the promised shape, the Caddyfile is what Caddy
 * accepts, and .env.example names every variable the server reads.
 */

const read = (file: string) => readFile(path.resolve(file), 'utf8');

describe("the server's node flags (scripts/server-node-flags.js)", () => {
	const flags = serverNodeFlags.join(' ');

	it('are the same for npm start, the systemd unit of docs/operations.md and the README', async () => {
		const { scripts } = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
		expect(scripts.start).toBe(`node ${flags} scripts/start.js`);
		expect(await read('docs/operations.md')).toContain(`ExecStart=/usr/bin/node ${flags} server.js`);
		expect(await read('README.md')).toContain(`node ${flags} server.js`);
	});
});

describe('the Dockerfile', () => {
	it('parses cleanly and builds in one stage, runs from another', async () => {
		const text = await read('Dockerfile');
		expect(validate(text)).toEqual([]);
		const stages = DockerfileParser.parse(text).getFROMs().map((from) => from.getBuildStage());
		expect(stages).toEqual(['build', 'runtime']);
	});

	it('runs as an unprivileged user, with only what server.js needs, a health check and no secret', async () => {
		const instructions = DockerfileParser.parse(await read('Dockerfile')).getInstructions();
		const runtime = instructions.slice(instructions.findIndex((i) => i.getKeyword() === 'FROM' && i.getArgumentsContent()!.includes('AS runtime')));
		const of = (keyword: string) => runtime.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent()!);
		expect(of('USER')).toEqual(['node']);
		const copied = of('COPY').map((args) => args.replace('--from=build ', '').split(/\s+/).slice(0, -1)).flat();
		expect(copied.sort()).toEqual(['/app/build', '/app/build-cli', '/app/drizzle', '/app/node_modules', '/app/package-lock.json', '/app/package.json', '/app/patches', '/app/server.js']);
		expect(of('HEALTHCHECK').join(' ')).toMatch(/\/healthz/);
		expect(of('CMD')).toEqual([JSON.stringify(['node', ...serverNodeFlags, 'server.js']).replaceAll(',', ', ')]);
		expect(of('STOPSIGNAL')).toEqual(['SIGTERM']);
		const settings = instructions.filter((i) => i.getKeyword() === 'ENV' || i.getKeyword() === 'ARG').map((i) => i.getArgumentsContent()!).join(' ');
		expect(settings).not.toMatch(/PASSWORD|SECRET|TOKEN|DATABASE_URL|SMTP_URL/i);
	});

	it('leaves local data, secrets and build output out of the build context', async () => {
		const ignored = (await read('.dockerignore')).split('\n').map((line) => line.trim());
		for (const entry of ['.git', 'node_modules', 'build', 'data', '.env', '.env.*', 'test-results']) expect(ignored).toContain(entry);
	});
});

describe('compose.yaml', () => {
	interface Compose {
		services: Record<string, { image?: string; build?: string; deploy?: { replicas?: number }; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
		volumes: Record<string, unknown>;
	}

	it('runs two app replicas on PostgreSQL with a named volume, behind Caddy', async () => {
		const compose = parse(await read('compose.yaml')) as Compose;
		expect(Object.keys(compose.services).sort()).toEqual(['app', 'caddy', 'postgres']);
		const { app, postgres, caddy } = compose.services;
		expect(app!.deploy?.replicas).toBe(2);
		expect(app!.environment).toMatchObject({ ORIGIN: expect.stringMatching(/^https:\/\//), ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1', DATABASE_URL: expect.stringContaining('@postgres:5432/'), ANSWER_POOL_KEY: expect.stringContaining('ANSWER_POOL_KEY') });
		expect(app!.ports).toBeUndefined();
		expect(postgres!.volumes).toContain('pgdata:/var/lib/postgresql/data');
		expect(Object.keys(compose.volumes)).toContain('pgdata');
		expect(caddy!.volumes).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
	});

	const composeCli = ['docker-compose', 'docker'].find((command) => spawnSync(command, command === 'docker' ? ['compose', 'version'] : ['version']).status === 0);
	it.skipIf(!composeCli)('is accepted by `docker compose config` with the settings of .env.example', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-compose-'));
		try {
			await cp(path.resolve('compose.yaml'), path.join(dir, 'compose.yaml'));
			await writeFile(path.join(dir, '.env'), (await read('.env.example')).replace(/^POSTGRES_PASSWORD=$/m, 'POSTGRES_PASSWORD=test-only').replace(/^ANSWER_POOL_KEY=$/m, `ANSWER_POOL_KEY=${'k'.repeat(43)}`));
			const args = composeCli === 'docker' ? ['compose', 'config', '-q'] : ['config', '-q'];
			const result = spawnSync(composeCli!, args, { cwd: dir, encoding: 'utf8' });
			expect(result.stderr).toBe('');
			expect(result.status).toBe(0);
			// Without a password or a pool key it refuses, naming what to set.
			await writeFile(path.join(dir, '.env'), await read('.env.example'));
			const refused = spawnSync(composeCli!, args, { cwd: dir, encoding: 'utf8' });
			expect(refused.status).not.toBe(0);
			expect(refused.stderr).toMatch(/POSTGRES_PASSWORD|ANSWER_POOL_KEY/);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});

describe('the Caddyfile', () => {
	it.skipIf(caddyUnavailable())('is valid for Caddy, with the domain and e-mail of .env', () => {
		const result = spawnSync(process.env.CADDY_PATH ?? '/usr/bin/caddy', ['validate', '--config', 'deploy/Caddyfile', '--adapter', 'caddyfile'], {
			encoding: 'utf8',
			env: { PATH: process.env.PATH, HOME: os.tmpdir(), LESSPIEGEL_DOMAIN: 'lesspiegel.school.example', ACME_EMAIL: 'it@school.example' }
		});
		expect(result.stdout + result.stderr).toContain('Valid configuration');
		expect(result.status).toBe(0);
	});
});

describe('.env.example', () => {
	it("names every variable the server reads and every one of the README's table", async () => {
		const example = new Set([...(await read('.env.example')).matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
		const readme = [...(await read('README.md')).matchAll(/^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)*(?:, `([A-Z_]+)`)? \|/gm)].flatMap((m) => m.slice(1).filter(Boolean));
		expect(readme.length).toBeGreaterThan(20);
		for (const name of [...configVariables, ...readme]) expect(example, name).toContain(name);
		expect(existsSync(path.resolve('deploy/Caddyfile'))).toBe(true);
	});
});
