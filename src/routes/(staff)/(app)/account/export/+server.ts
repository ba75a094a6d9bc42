import { error } from '@sveltejs/kit';
import * as account from '$lib/server/account';
import { database } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** "Download my data": everything held about the logged-in staff member, as a JSON file. */
export const GET: RequestHandler = async ({ locals }) => {
	const data = await account.exportData(database(), locals.user!.id);
	if (!data) error(404, 'Not found');
	return new Response(JSON.stringify({ exportedAt: new Date(), ...data }, null, 2), {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Disposition': 'attachment; filename="lesspiegel-my-data.json"',
			'Cache-Control': 'no-store'
		}
	});
};
