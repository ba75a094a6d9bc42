import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { apiError, apiLocale, readJsonBody } from '$lib/server/api/respond';
import { refuse } from '$lib/server/api/student-api';
import { database } from '$lib/server/db';
import { log } from '$lib/server/log';
import * as studentFlow from '$lib/server/rounds/student-flow';
import { serverWriter } from '$lib/server/rounds/writer';
import type { RequestHandler } from './$types';

const answersBody = z.strictObject({
	ballot: z.string().max(100),
	answers: z.record(z.string().max(64), z.union([z.number(), z.string().max(200), z.array(z.number()).max(50)]))
});

/** POST /api/v1/answers: one submission, acknowledged once its batch committed (S6). */
export const POST: RequestHandler = async ({ request }) => {
	const locale = apiLocale(request);
	const read = await readJsonBody(request, locale);
	if ('refusal' in read) return read.refusal;
	const parsed = answersBody.safeParse(read.body);
	if (!parsed.success) {
		return apiError(400, 'bad_request', m.api_error_bad_request({ detail: 'expected {"ballot": "...", "answers": {...}}' }, { locale }));
	}
	let result: studentFlow.SubmitResult;
	try {
		result = await studentFlow.submit(database(), serverWriter(), parsed.data.ballot, parsed.data.answers);
	} catch (error) {
		log.error('submission batch failed', { error: String(error) });
		return refuse('unavailable', locale);
	}
	return result.ok ? json({ ok: true }, { status: 201, headers: { 'Cache-Control': 'no-store' } }) : refuse(result.refusal, locale);
};
