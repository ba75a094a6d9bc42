import { describe, expect, it } from 'vitest';
import { sameOriginPath } from '../../src/lib/server/http/same-origin-path';
import { encodedTargets, escapingTargets } from '../helpers/redirect-payloads';

const origin = 'https://lesspiegel.example';

describe('redirect targets from user input', () => {
	it.each(escapingTargets)('refuses %s', (_name, next) => {
		expect(sameOriginPath(next.replace('127.0.0.1:PORT', 'lesspiegel.example:8443'), origin)).toBeNull();
	});

	it.each(encodedTargets)('keeps %s as a path on our origin', (_name, next, path) => {
		expect(sameOriginPath(next, origin)).toBe(path);
	});

	it('returns the normalised path and query, never the raw input', () => {
		expect(sameOriginPath('/groups/../dashboard?tab=1#top', origin)).toBe('/dashboard?tab=1');
		expect(sameOriginPath('/en/rounds/ x', origin)).toBe('/en/rounds/%20x');
		expect(sameOriginPath('https://lesspiegel.example/en/dashboard', origin)).toBe('/en/dashboard');
		expect(sameOriginPath('dashboard', origin)).toBe('/dashboard');
	});

	it('reads a scheme without slashes as the browser does: a path when it is our scheme, another site when not', () => {
		expect(sameOriginPath('https:attacker.example', origin)).toBe('/attacker.example');
		expect(sameOriginPath('http:attacker.example', origin)).toBeNull();
	});

	it('has nothing to offer for an empty or missing target', () => {
		expect(sameOriginPath('', origin)).toBeNull();
		expect(sameOriginPath(null, origin)).toBeNull();
		expect(sameOriginPath(undefined, origin)).toBeNull();
	});

	it('every accepted target stays on the origin when a browser resolves it', () => {
		for (const [, next] of [...escapingTargets, ...encodedTargets]) {
			const path = sameOriginPath(next, origin);
			if (path !== null) expect(new URL(path, 'https://elsewhere.example').host).toBe('elsewhere.example');
		}
	});
});
