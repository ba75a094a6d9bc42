import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { matchingStep } from '../../src/lib/server/auth/totp';

const KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const code = (step: number) => generateHOTP(decodeBase32IgnorePadding(KEY), BigInt(step), 6);

describe('matchingStep', () => {
	const now = 1_800_000_000_000;
	const step = Math.floor(now / 30_000);

	it('finds the step of a code from this step or one either side', () => {
		expect(matchingStep(KEY, code(step), now)).toBe(step);
		expect(matchingStep(KEY, code(step - 1), now)).toBe(step - 1);
		expect(matchingStep(KEY, ` ${code(step + 1).slice(0, 3)} ${code(step + 1).slice(3)} `, now)).toBe(step + 1);
	});

	it('refuses codes from further away and input that is not six digits', () => {
		expect(matchingStep(KEY, code(step - 3), now)).toBeNull();
		expect(matchingStep(KEY, code(step + 3), now)).toBeNull();
		expect(matchingStep(KEY, 'abcdef', now)).toBeNull();
		expect(matchingStep(KEY, '1234567', now)).toBeNull();
	});
});
