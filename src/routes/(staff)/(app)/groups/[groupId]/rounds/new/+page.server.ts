import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { localizeHref } from '$lib/paraglide/runtime';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { parseForm } from '$lib/server/http/form';
import * as groups from '$lib/server/org/groups';
import type { Actor } from '$lib/server/policy';
import { canRun } from '$lib/server/rounds/access';
import * as choices from '$lib/server/rounds/choices';
import * as manage from '$lib/server/rounds/manage';
import * as rounds from '$lib/server/rounds/rounds';
import type { Actions, PageServerLoad } from './$types';

/** An optional whole number in a range; an empty field is "not given". */
const optionalInt = (min: number, max: number) =>
	z.preprocess(
		(v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
		z.coerce.number('invalid').int('invalid').min(min, 'invalid').max(max, 'invalid').optional()
	);
const checkbox = z.preprocess((v) => v === 'on', z.boolean());

const startForm = z
	.object({
		versionId: z.string('required').min(1, 'required'),
		cap: optionalInt(1, 200),
		tanOnly: checkbox,
		tanCount: optionalInt(1, manage.MAX_TANS),
		liveResults: checkbox,
		autoCloseMinutes: optionalInt(1, 240)
	})
	.superRefine((v, ctx) => {
		if (v.tanOnly && v.tanCount === undefined) ctx.addIssue({ code: 'custom', path: ['tanCount'], message: 'required' });
	});

async function runGroup(actor: Actor, groupId: string) {
	const group = await groups.find(database(), groupId);
	if (!group || !canRun(actor, group)) error(404, 'Not found');
	return group;
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const group = await runGroup(locals.user!, params.groupId);
	const versions = await choices.versionChoices(database(), locals.user!.id, group.schoolId);
	return { group: { id: group.id, name: group.name, size: group.size }, versions, maxTans: manage.MAX_TANS, homeUrl: `${config().ORIGIN}/` };
};

export const actions: Actions = {
	default: async ({ locals, params, request }) => {
		const actor = locals.user!;
		const group = await runGroup(actor, params.groupId);
		const form = await request.formData();
		const values = Object.fromEntries([...form].filter(([, v]) => typeof v === 'string')) as Record<string, string>;
		const parsed = parseForm(startForm, form);
		if (parsed.errors) return fail(400, { values, errors: parsed.errors, codes: undefined, roundId: undefined });
		const input = parsed.data;
		const db = database();
		if (!(await choices.isChoice(db, actor.id, group.schoolId, input.versionId))) {
			return fail(400, { values, errors: { versionId: 'required' }, codes: undefined, roundId: undefined });
		}
		const round = await rounds.open(db, {
			groupId: group.id,
			versionId: input.versionId,
			openedBy: actor.id,
			cap: input.cap ?? null,
			tanOnly: input.tanOnly,
			liveResults: input.liveResults,
			closesAt: input.autoCloseMinutes ? new Date(Date.now() + input.autoCloseMinutes * 60_000) : null
		});
		if (!input.tanOnly) redirect(303, localizeHref(`/rounds/${round.id}`));
		const tans = await manage.generateTans(db, round.id, input.tanCount!);
		// The codes exist in plain text only in this answer (S3): printed now or never.
		return { values, errors: undefined, codes: tans.ok ? tans.codes : [], roundId: round.id };
	}
};
