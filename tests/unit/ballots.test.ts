import { describe, expect, it } from 'vitest';
import { isBallotToken, normaliseTan, roundOfToken } from '../../src/lib/server/rounds/ballots';
import { generateJoinCode } from '../../src/lib/server/rounds/rounds';
import { isJoinCode } from '../../src/lib/join-code';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';

describe('ballot tokens', () => {
	it('carry the round id and 128 random bits', () => {
		const roundId = '0b7c7a4e-3f1d-4c2a-9e8f-1a2b3c4d5e6f';
		const random = encodeBase64urlNoPadding(new Uint8Array(16).fill(7));
		const bytes = Uint8Array.from(roundId.replace(/-/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
		const token = `${encodeBase64urlNoPadding(bytes)}.${random}`;
		expect(isBallotToken(token)).toBe(true);
		expect(roundOfToken(token)).toBe(roundId);
	});

	it.each(['', 'abc', 'x'.repeat(45), `${'a'.repeat(22)}.${'b'.repeat(21)}`, `${'a'.repeat(22)}.${'b'.repeat(21)}=`])('refuse %j', (token) => {
		expect(isBallotToken(token)).toBe(false);
		expect(roundOfToken(token)).toBeNull();
	});

	it('TANs ignore case, spaces and dashes', () => {
		expect(normaliseTan(' abcd-efgh 23 ')).toBe('ABCDEFGH23');
	});
});

describe('join code generation', () => {
	it('makes valid codes that differ', () => {
		const codes = Array.from({ length: 500 }, generateJoinCode);
		expect(codes.every(isJoinCode)).toBe(true);
		expect(new Set(codes).size).toBeGreaterThan(495);
	});
});
