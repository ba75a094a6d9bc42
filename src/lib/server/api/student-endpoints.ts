import { z } from 'zod';
import { isJoinCode, normaliseJoinCode } from '$lib/join-code';
import { m } from '$lib/paraglide/messages';
import { database } from '../db';
import { errorFields, log } from '../log';
import { allowJoin } from '../rounds/join-limit';
import * as studentFlow from '../rounds/student-flow';
import { issueBallot, serverWriter } from '../rounds/writer';
import { apiError, apiLocale, parseJsonBody, type ApiReply, type ApiRequest, type Endpoint } from './respond';
import { joinedReply, refuse } from './student-api';

const joinBody = z.union([
	z.strictObject({ code: z.string().max(20).transform(normaliseJoinCode).refine(isJoinCode, 'code must be 6 characters from the join-code alphabet') }),
	z.strictObject({ tan: z.string().min(4).max(40) })
]);

/** POST /api/v1/join: a student joins a round and gets a single-use ballot (docs/api.md). */
export async function join(request: ApiRequest): Promise<ApiReply> {
	const locale = apiLocale(request.acceptLanguage);
	// Rate limiting only: the address is a salted hash key in memory, never stored (S1).
	if (!allowJoin(request.clientAddress())) return refuse('rate_limited', locale);
	const read = parseJsonBody(request.body, locale);
	if ('refusal' in read) return read.refusal;
	const parsed = joinBody.safeParse(read.body);
	if (!parsed.success) {
		return apiError(400, 'bad_request', m.api_error_bad_request({ detail: 'expected {"code": "ABC234"} or {"tan": "..."}' }, { locale }));
	}
	const db = database();
	const joined = 'code' in parsed.data ? await studentFlow.joinWithCode(db, issueBallot, parsed.data.code) : await studentFlow.joinWithTan(db, parsed.data.tan);
	return joined.ok ? joinedReply(joined, locale) : refuse(joined.refusal, locale);
}

const answersBody = z.strictObject({
	ballot: z.string().max(100),
	answers: z.record(z.string().max(64), z.union([z.number(), z.string().max(200), z.array(z.number()).max(50)])),
	/** The phone applied randomized response to the randomized questions already (issue 15). */
	randomized: z.boolean().optional()
});

/** POST /api/v1/answers: one submission, acknowledged once its batch committed (S6). */
export async function answers(request: ApiRequest): Promise<ApiReply> {
	const locale = apiLocale(request.acceptLanguage);
	const read = parseJsonBody(request.body, locale);
	if ('refusal' in read) return read.refusal;
	const parsed = answersBody.safeParse(read.body);
	if (!parsed.success) {
		return apiError(400, 'bad_request', m.api_error_bad_request({ detail: 'expected {"ballot": "...", "answers": {...}}' }, { locale }));
	}
	let result: studentFlow.SubmitResult;
	try {
		result = await studentFlow.submit(database(), serverWriter(), parsed.data.ballot, parsed.data.answers, locale, parsed.data.randomized === true);
	} catch (error) {
		log.error('submission batch failed', errorFields(error));
		return refuse('unavailable', locale);
	}
	return result.ok ? { status: 201, body: JSON.stringify({ ok: true, kept: result.receipt }) } : refuse(result.refusal, locale);
}

/** The student API by path, for the transport that bypasses SvelteKit (node-transport.ts). */
export const studentEndpoints: ReadonlyMap<string, Endpoint> = new Map([
	['/api/v1/join', join],
	['/api/v1/answers', answers]
]);
