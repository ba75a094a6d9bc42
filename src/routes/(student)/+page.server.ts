import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { isJoinCode, normaliseJoinCode } from '$lib/join-code';
import type { Actions } from './$types';

const joinForm = z.object({ code: z.string().max(40).transform(normaliseJoinCode) });

export const actions: Actions = {
	// The student's way in: no cookie is read or set here (PRIVACY.md S1).
	default: async ({ request }) => {
		const parsed = joinForm.safeParse(Object.fromEntries(await request.formData()));
		const code = parsed.success ? parsed.data.code : '';
		if (!isJoinCode(code)) return fail(400, { code, error: 'format' as const });
		// Rounds arrive with the rounds issue; until then no code names an open round.
		return fail(404, { code, error: 'unknown' as const });
	}
};
