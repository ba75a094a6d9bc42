import { m } from '$lib/paraglide/messages';
import type { SsoFailure } from '$lib/server/sso/match';

const texts: Record<SsoFailure | 'unknown_provider', () => string> = {
	expired: m.sso_failure_expired,
	provider_unreachable: m.sso_failure_provider_unreachable,
	rejected: m.sso_failure_rejected,
	unverified_email: m.sso_failure_unverified_email,
	domain_not_allowed: m.sso_failure_domain_not_allowed,
	no_account: m.sso_failure_no_account,
	unknown_provider: m.sso_failure_unknown_provider
};

export function ssoFailureText(reason: string): string | undefined {
	return Object.hasOwn(texts, reason) ? texts[reason as keyof typeof texts]() : undefined;
}
