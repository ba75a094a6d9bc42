import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { parseForm } from '$lib/server/http/form';
import type { Actor } from '$lib/server/policy';
import { canRun } from '$lib/server/rounds/access';
import * as manage from '$lib/server/rounds/manage';
import type { Actions, PageServerLoad } from './$types';

const generateForm = z.object({
	count: z.coerce.number('invalid').int('invalid').min(1, 'invalid').max(manage.MAX_TANS, 'invalid')
});

/** Only those who run the group's rounds print codes; anyone else finds nothing here. */
async function runRound(actor: Actor, roundId: string) {
	const round = await manage.roundForStaff(database(), roundId);
	if (!round || !round.tanOnly || !canRun(actor, round)) error(404, 'Not found');
	return round;
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const round = await runRound(locals.user!, params.roundId);
	const suggested = Number(url.searchParams.get('count'));
	return {
		round: { id: round.id, joinCode: round.joinCode, open: round.open, unusedTans: round.unusedTans },
		group: { id: round.groupId, name: round.groupName },
		suggestedCount: Number.isInteger(suggested) && suggested >= 1 && suggested <= manage.MAX_TANS ? suggested : Math.min(round.cap ?? 30, manage.MAX_TANS),
		maxCount: manage.MAX_TANS,
		homeUrl: `${config().ORIGIN}/`
	};
};

export const actions: Actions = {
	default: async ({ locals, params, request }) => {
		const round = await runRound(locals.user!, params.roundId);
		const form = await request.formData();
		const parsed = parseForm(generateForm, form);
		if (parsed.errors) return fail(400, { count: String(form.get('count') ?? ''), errors: parsed.errors, refusal: undefined, codes: undefined });
		const result = await manage.generateTans(database(), round.id, parsed.data.count);
		if (!result.ok) return fail(409, { count: String(parsed.data.count), errors: undefined, refusal: result.refusal, codes: undefined });
		// The only time these codes exist in plain text: the answer to this POST (S3).
		return { count: String(parsed.data.count), errors: undefined, refusal: undefined, codes: result.codes };
	}
};
