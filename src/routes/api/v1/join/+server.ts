import { z } from 'zod';
import { isJoinCode, normaliseJoinCode } from '$lib/join-code';
import { apiError, apiLocale, readJsonBody } from '$lib/server/api/respond';
import { joinedBody, refuse } from '$lib/server/api/student-api';
import { database } from '$lib/server/db';
import { allowJoin } from '$lib/server/rounds/join-limit';
import * as studentFlow from '$lib/server/rounds/student-flow';
import { issueBallot } from '$lib/server/rounds/writer';
import { m } from '$lib/paraglide/messages';
import type { RequestHandler } from './$types';

const joinBody = z.union([
	z.strictObject({ code: z.string().max(20).transform(normaliseJoinCode).refine(isJoinCode, 'code must be 6 characters from the join-code alphabet') }),
	z.strictObject({ tan: z.string().min(4).max(40) })
]);

/** POST /api/v1/join: a student joins a round and gets a single-use ballot (docs/api.md). */
export const POST: RequestHandler = async ({ request, getClientAddress }) => {
	const locale = apiLocale(request);
	// Rate limiting only: the address is a salted hash key in memory, never stored (S1).
	if (!allowJoin(getClientAddress())) return refuse('rate_limited', locale);
	const read = await readJsonBody(request, locale);
	if ('refusal' in read) return read.refusal;
	const parsed = joinBody.safeParse(read.body);
	if (!parsed.success) {
		return apiError(400, 'bad_request', m.api_error_bad_request({ detail: 'expected {"code": "ABC234"} or {"tan": "..."}' }, { locale }));
	}
	const db = database();
	const joined = 'code' in parsed.data ? await studentFlow.joinWithCode(db, issueBallot, parsed.data.code) : await studentFlow.joinWithTan(db, parsed.data.tan);
	return joined.ok ? joinedBody(joined, locale) : refuse(joined.refusal, locale);
};
