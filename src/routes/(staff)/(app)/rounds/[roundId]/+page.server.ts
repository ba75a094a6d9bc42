import { error, fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import QRCode from 'qrcode';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import type { Actor } from '$lib/server/policy';
import { canRun, canWatch } from '$lib/server/rounds/access';
import * as manage from '$lib/server/rounds/manage';
import * as rounds from '$lib/server/rounds/rounds';
import type { Actions, PageServerLoad } from './$types';

async function watchedRound(actor: Actor, roundId: string) {
	const round = await manage.roundForStaff(database(), roundId);
	if (!round || !canWatch(actor, round)) error(404, 'Not found');
	return round;
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const round = await watchedRound(locals.user!, params.roundId);
	// A TAN-only round is joined by typing the printed code on the home page, not by its join code.
	const origin = config().ORIGIN;
	const joinUrl = round.tanOnly ? `${origin}/` : `${origin}/r/${round.joinCode}`;
	return {
		round: {
			id: round.id,
			joinCode: round.joinCode,
			open: round.open,
			n: round.n,
			cap: round.cap,
			tanOnly: round.tanOnly,
			liveResults: round.liveResults,
			titleNl: round.titleNl,
			titleEn: round.titleEn,
			closesAt: round.closesAt,
			reopenable: round.reopenable
		},
		group: { id: round.groupId, name: round.groupName },
		joinUrl,
		shortUrl: joinUrl.replace(/^https?:\/\//, '').replace(/\/$/, ''),
		// The QR code is drawn here, so the page loads nothing from elsewhere (S8).
		qrSvg: await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
		canRun: canRun(locals.user!, round),
		reopenMinutes: rounds.REOPEN_MINUTES
	};
};

export const actions: Actions = {
	close: async ({ locals, params }) => {
		const round = await watchedRound(locals.user!, params.roundId);
		if (!canRun(locals.user!, round)) error(404, 'Not found');
		await rounds.close(database(), round.id);
		return { closed: true };
	},
	/** Closed too early: open again, while rounds.isReopenable allows (a plain post, page reloaded). */
	reopen: async ({ locals, params }) => {
		const round = await watchedRound(locals.user!, params.roundId);
		if (!canRun(locals.user!, round)) error(404, 'Not found');
		if (!(await rounds.reopen(database(), round.id))) return fail(409, { reopenRefused: true });
		redirect(303, localizeHref(`/rounds/${round.id}`));
	}
};
