import { error } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { config } from '$lib/server/config';
import { database } from '$lib/server/db';
import { can } from '$lib/server/policy';
import { runPrivacyAudit } from '$lib/server/privacy-audit/report';
import { checkTitles, seenText } from '$lib/server/privacy-audit/titles';
import { visibleSchool } from '../visible-school';
import type { PageServerLoad } from './$types';

/**
 * The privacy self-test, run when the page is opened. The student side is asked through
 * SvelteKit's own fetch: the same server and hooks a phone reaches, without depending on
 * whether this server can reach its public address from inside.
 */
export const load: PageServerLoad = async ({ locals, params, fetch }) => {
	const school = await visibleSchool(locals.user!, params.schoolId);
	if (!can(locals.user!, 'privacy_audit.run', { schoolId: school.id })) error(404, 'Not found');
	const report = (await runPrivacyAudit({ db: database(), schoolId: school.id, fetcher: fetch, origin: config().ORIGIN }))!;
	const locale = getLocale() === 'en' ? 'en' : 'nl';
	return { schoolId: school.id, report: { ...report, checks: report.checks.map((c) => ({ id: c.id, ok: c.ok, findings: c.findings, title: checkTitles[c.id]?.[locale] ?? c.id, seen: seenText(c.seen, locale) })) } };
};
