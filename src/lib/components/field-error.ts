import { m } from '$lib/paraglide/messages';

/** Turns an error code from the server's form schemas into a sentence in the user's language. */
const messages: Record<string, () => string> = {
	required: m.error_required,
	too_long: m.error_too_long,
	email: m.error_email,
	password_too_short: m.error_password_too_short,
	password_too_long: m.error_password_too_long,
	password_too_common: m.error_password_too_common,
	domain: m.error_domain,
	https_url: m.error_https_url,
	secret_key_missing: m.error_secret_key_missing,
	issuer_unreachable: m.error_issuer_unreachable
};

export function fieldErrorText(code: string | undefined): string | undefined {
	if (!code) return undefined;
	return (messages[code] ?? m.error_invalid)();
}
