import { getLocale } from '$lib/paraglide/runtime';
import { roundReport } from './round-report';
import type { PageServerLoad } from './$types';

/** Whoever may watch the round's group sees its results, as far as the k rule allows (S4, S5). */
export const load: PageServerLoad = async ({ locals, params }) => roundReport(locals.user!, params.roundId, getLocale());
