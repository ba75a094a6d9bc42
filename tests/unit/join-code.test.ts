import { describe, expect, it } from 'vitest';
import { isJoinCode, JOIN_CODE_ALPHABET, normaliseJoinCode } from '../../src/lib/join-code';

describe('join codes', () => {
	it('use an alphabet without look-alikes', () => {
		for (const lookAlike of ['0', 'O', '1', 'I', 'L']) expect(JOIN_CODE_ALPHABET).not.toContain(lookAlike);
		expect(new Set(JOIN_CODE_ALPHABET).size).toBe(JOIN_CODE_ALPHABET.length);
	});

	it('accept what a student types, in any case and with spaces or dashes', () => {
		expect(normaliseJoinCode(' k7m-2qx ')).toBe('K7M2QX');
		expect(isJoinCode(normaliseJoinCode('k7m 2qx'))).toBe(true);
	});

	it.each(['K7M2Q', 'K7M2QXA', 'K7M2Q0', 'K7M2QI', 'K7M2QL', 'K7M2Q1', 'K7M2Q!', ''])('refuse %j', (code) => {
		expect(isJoinCode(code)).toBe(false);
	});
});
