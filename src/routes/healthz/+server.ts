import { json } from '@sveltejs/kit';
import { databaseHandle } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** For load balancers: 200 while the database answers, 503 when it does not. */
export const GET: RequestHandler = async () => {
	const handle = databaseHandle();
	const up = await handle.ping();
	return json(
		{ status: up ? 'ok' : 'unavailable', database: { engine: handle.engine, up } },
		{ status: up ? 200 : 503, headers: { 'Cache-Control': 'no-store' } }
	);
};
