import { error } from '@sveltejs/kit';
import { database } from '$lib/server/db';
import { canWatch } from '$lib/server/rounds/access';
import { isLive, watch } from '$lib/server/rounds/live';
import * as manage from '$lib/server/rounds/manage';
import type { RequestHandler } from './$types';

/** A comment line keeps proxies from timing the stream out; also when the re-check happens. */
const HEARTBEAT_MS = 20_000;
/** Without a LISTEN (it failed at start-up) the stream polls instead, so a projector still counts. */
const POLL_MS = 1_000;

/**
 * Server-sent events for the projector: `data: {"n": 12}` at once and on every change, from
 * the live bus; `event: closed` when the round has closed, after which the stream ends.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const db = database();
	const round = await manage.roundForStaff(db, params.roundId);
	if (!round || !canWatch(locals.user!, round)) error(404, 'Not found');
	const roundId = round.id;
	const encoder = new TextEncoder();
	let stop = () => {};

	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			let last = -1;
			let ended = false;
			const send = (text: string) => {
				if (!ended) controller.enqueue(encoder.encode(text));
			};
			const count = (n: number) => {
				// Counts only grow; an older notification arriving late is dropped.
				if (n > last) send(`data: ${JSON.stringify({ n: (last = n) })}\n\n`);
			};
			const recheck = async () => {
				const now = await manage.answeredCount(db, roundId).catch(() => undefined);
				if (now === undefined) return;
				if (now) count(now.n);
				if (!now?.open) {
					send('event: closed\ndata: {}\n\n');
					end();
				}
			};
			const unwatch = watch(roundId, { count, end: () => end() });
			const heartbeat = setInterval(() => {
				send(': heartbeat\n\n');
				void recheck();
			}, HEARTBEAT_MS);
			const poll = isLive() ? undefined : setInterval(() => void recheck(), POLL_MS);
			heartbeat.unref();
			poll?.unref();
			stop = () => {
				ended = true;
				unwatch();
				clearInterval(heartbeat);
				clearInterval(poll);
			};
			const end = () => {
				if (ended) return;
				stop();
				controller.close();
			};
			count(round.n);
			// Catches a change between the first read and the start of watching (and a closed round).
			void recheck();
		},
		cancel() {
			// The browser went away.
			stop();
		}
	});

	return new Response(stream, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' }
	});
};
