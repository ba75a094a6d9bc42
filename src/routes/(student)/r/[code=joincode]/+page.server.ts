import { error, fail, redirect } from '@sveltejs/kit';
import { normaliseJoinCode } from '$lib/join-code';
import { getLocale, localizeHref } from '$lib/paraglide/runtime';
import { refusalStatus } from '$lib/server/api/student-api';
import { database } from '$lib/server/db';
import { answersFromForm } from '$lib/server/rounds/form-answers';
import { allowJoin } from '$lib/server/rounds/join-limit';
import * as studentFlow from '$lib/server/rounds/student-flow';
import { issueBallot, serverWriter } from '$lib/server/rounds/writer';
import { studentMessage } from '$lib/student-messages';
import type { Actions, PageServerLoad } from './$types';

// Student route: no cookie is read or set, nothing about the device is kept (PRIVACY.md S1).

export const load: PageServerLoad = async ({ params, getClientAddress }) => {
	const code = normaliseJoinCode(params.code);
	if (code !== params.code) redirect(301, localizeHref(`/r/${code}`));
	// Every page view issues a ballot, so it counts as a join (a salted hash in memory, S1).
	if (!allowJoin(getClientAddress())) error(429, studentMessage('rate_limited'));
	const joined = await studentFlow.joinWithCode(database(), issueBallot, code);
	if (!joined.ok) error(refusalStatus[joined.refusal], studentMessage(joined.refusal));
	return studentFlow.pageView(joined, getLocale());
};

export const actions: Actions = {
	default: async ({ request }) => {
		const form = await request.formData();
		const answers = answersFromForm(form);
		// A form post comes from a phone without JavaScript: the server randomizes (issue 15).
		const result = await studentFlow.submit(database(), serverWriter(), String(form.get('ballot') ?? ''), answers, getLocale(), false);
		// The thank-you page is this one's answer, not a redirect: it shows what was kept, which
		// no later request could know (nothing links a submission to anything).
		if (result.ok) return { receipt: result.receipt };
		const { refusal } = result;
		// Only a correctable mistake shows the form again (with the answers kept); after a used
		// ballot, a closed or a full round, a fresh form would invite counting twice.
		const correctable = refusal === 'invalid' || refusal === 'empty' || refusal === 'invalid_word';
		return fail(refusalStatus[refusal], { refusal, message: studentMessage(refusal), correctable, answers });
	}
};
