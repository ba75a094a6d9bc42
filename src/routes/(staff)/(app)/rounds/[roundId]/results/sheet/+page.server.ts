import { getLocale } from '$lib/paraglide/runtime';
import { roundReport } from '../round-report';
import type { PageServerLoad } from './$types';

/** The one-page sheet for the class: the results page's own report, so the same k rule (S4, S5). */
export const load: PageServerLoad = async ({ locals, params }) => roundReport(locals.user!, params.roundId, getLocale());
