import { error } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import * as schools from '$lib/server/org/schools';
import * as staff from '$lib/server/org/staff';
import { can } from '$lib/server/policy';
import * as securityLog from '$lib/server/security-log';
import type { PageServerLoad } from './$types';

const LIMIT = 500;

export const load: PageServerLoad = async ({ locals, params }) => {
	const { schoolId } = params;
	if (!can(locals.user!, 'security_log.view', { schoolId })) error(404, 'Not found');
	const db = database();
	const school = await schools.find(db, schoolId);
	if (!school) error(404, 'Not found');
	const emails = new Map((await staff.list(db, schoolId)).map((s) => [s.id, s.email]));
	const entries = await securityLog.forSchool(db, schoolId, LIMIT);
	return {
		schoolId,
		schoolName: school.name,
		retentionDays: config().SECURITY_LOG_RETENTION_DAYS,
		limit: LIMIT,
		entries: entries.map((e) => ({
			at: e.at,
			event: e.event,
			who: (e.userId && emails.get(e.userId)) || null,
			by: e.actorId && e.actorId !== e.userId ? (emails.get(e.actorId) ?? null) : null,
			ip: e.ip
		}))
	};
};
