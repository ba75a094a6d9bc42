import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/lib/server/config';

describe('configuration', () => {
	it('has working defaults: PGlite in ./data, port 3000', () => {
		const cfg = parseConfig({});
		expect(cfg.DATABASE_URL).toBeUndefined();
		expect(cfg.DATA_DIR).toBe(path.resolve('data'));
		expect(cfg.PORT).toBe(3000);
		expect(cfg.SHUTDOWN_TIMEOUT).toBeLessThan(10);
		// docs/performance.md: what keeps the server under 200 MB under load.
		expect(cfg.HEAP_GROWTH_PERCENT).toBe(100);
	});

	it("reads adapter-node's client-address variables for server.js, the header name in lower case", () => {
		expect(parseConfig({}).XFF_DEPTH).toBe(1);
		expect(parseConfig({ ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '2' })).toMatchObject({ ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: 2 });
	});

	it('has one public origin: ORIGIN as an origin, or the address npm start serves', () => {
		expect(parseConfig({}).ORIGIN).toBe('http://localhost:3000');
		expect(parseConfig({ PORT: '8080' }).ORIGIN).toBe('http://localhost:8080');
		expect(parseConfig({ ORIGIN: 'https://LessPiegel.School.nl/' }).ORIGIN).toBe('https://lesspiegel.school.nl');
	});

	it('treats empty values as unset', () => {
		expect(parseConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
	});

	it.each([
		['PORT', 'abc'],
		['PORT', '70000'],
		['DATABASE_URL', 'mysql://localhost/x'],
		['LOG_LEVEL', 'verbose'],
		['DB_POOL_SIZE', '0'],
		['SHUTDOWN_TIMEOUT', '30'],
		['ORIGIN', 'ftp://example.org'],
		['ORIGIN', 'https://lesspiegel.school.nl/app'],
		['ORIGIN', 'https://lesspiegel.school.nl/?x=1'],
		['PROTOCOL_HEADER', 'x-forwarded-proto'],
		['HEAP_GROWTH_PERCENT', '-1'],
		['ADDRESS_HEADER', 'x-forwarded-for, x-real-ip'],
		['XFF_DEPTH', '0']
	])('refuses %s=%s with one line naming the variable', (name, value) => {
		let error: unknown;
		try {
			parseConfig({ [name]: value });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const message = (error as ConfigError).message;
		expect(message).toMatch(new RegExp(`^Invalid configuration: ${name}=`));
		expect(message).not.toContain('\n');
	});

	it('never echoes a database URL, which may hold a password', () => {
		expect(() => parseConfig({ DATABASE_URL: 'mysql://user:secret@host/db' })).toThrow(/DATABASE_URL=\(hidden\)/);
		expect(() => parseConfig({ DATABASE_URL: 'mysql://user:secret@host/db' })).not.toThrow(/secret/);
	});
});
