import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { isJoinCode, normaliseJoinCode } from '$lib/join-code';
import { getLocale, localizeHref } from '$lib/paraglide/runtime';
import { refusalStatus } from '$lib/server/api/student-api';
import { database } from '$lib/server/db';
import { allowJoin } from '$lib/server/rounds/join-limit';
import * as rounds from '$lib/server/rounds/rounds';
import * as studentFlow from '$lib/server/rounds/student-flow';
import { studentMessage } from '$lib/student-messages';
import type { Actions } from './$types';

const joinForm = z.object({ code: z.string().max(40).transform(normaliseJoinCode) });
/** Printed one-time codes are longer than join codes, so one field takes both. */
const TAN_LENGTH = 10;

export const actions: Actions = {
	// The student's way in: no cookie is read or set here (PRIVACY.md S1).
	default: async ({ request, getClientAddress }) => {
		const parsed = joinForm.safeParse(Object.fromEntries(await request.formData()));
		const code = parsed.success ? parsed.data.code : '';
		const db = database();
		// Guessing codes is made slow (a salted hash of the address, in memory only: S1).
		if (!allowJoin(getClientAddress())) return fail(429, { code, message: studentMessage('rate_limited'), round: null });
		if (code.length === TAN_LENGTH) {
			const joined = await studentFlow.joinWithTan(db, code);
			if (!joined.ok) return fail(refusalStatus[joined.refusal], { code, message: studentMessage(joined.refusal), round: null });
			return { code: '', message: undefined, round: studentFlow.pageView(joined, getLocale()) };
		}
		if (!isJoinCode(code)) return fail(400, { code, error: 'format' as const, message: undefined, round: null });
		if (!(await rounds.findByCode(db, code))) return fail(404, { code, message: studentMessage('unknown'), round: null });
		redirect(303, localizeHref(`/r/${code}`));
	}
};
