import { describe, expect, it } from 'vitest';
import { errorFields } from '../../src/lib/server/log';

describe('errorFields', () => {
	it("keeps the driver's code beside the message", () => {
		const dropped = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
		expect(errorFields(dropped)).toEqual({ error: 'Error: terminating connection due to administrator command', code: '57P01' });
	});

	it('leaves the code out when there is none, or it is not text', () => {
		expect(errorFields(new Error('no code'))).toEqual({ error: 'Error: no code', code: undefined });
		expect(errorFields(Object.assign(new Error('numeric'), { code: 5 }))).toEqual({ error: 'Error: numeric', code: undefined });
		expect(errorFields(null)).toEqual({ error: 'null', code: undefined });
	});
});
