import { config } from '$lib/server/config';
import { EPSILON, keepProbability, ODDS } from '$lib/randomized-response';
import { MIN_GROUP_SIZE } from '$lib/server/db/schema';
import type { PageServerLoad } from './$types';

/** PRIVACY.md: the statement reads its numbers from the running configuration, so it cannot drift. */
export const load: PageServerLoad = () => {
	const cfg = config();
	return {
		minGroupSize: MIN_GROUP_SIZE,
		securityLogDays: cfg.SECURITY_LOG_RETENTION_DAYS,
		deactivatedAccountDays: cfg.DEACTIVATED_ACCOUNT_RETENTION_DAYS,
		randomizedResponse: { odds: ODDS, epsilon: Math.round(EPSILON * 100) / 100, keep5: Math.round(100 * keepProbability(5)) }
	};
};
