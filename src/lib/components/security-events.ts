import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { SecurityEvent } from '$lib/server/db/schema';

/** Security-log events in words, for "my data" and the school's security log alike. */
const eventNames: Record<SecurityEvent, () => string> = {
	login_success: m.account_event_login_success,
	login_failure: m.account_event_login_failure,
	logout: m.account_event_logout,
	password_change: m.account_event_password_change,
	password_reset: m.account_event_password_reset,
	invitation_accepted: m.account_event_invitation_accepted,
	role_change: m.account_event_role_change,
	account_deactivated: m.account_event_account_deactivated,
	account_reactivated: m.account_event_account_reactivated,
	totp_enabled: m.account_event_totp_enabled,
	totp_disabled: m.account_event_totp_disabled,
	recovery_code_used: m.account_event_recovery_code_used,
	sso_login_success: m.account_event_sso_login_success,
	sso_login_failure: m.account_event_sso_login_failure,
	passkey_added: m.account_event_passkey_added,
	passkey_removed: m.account_event_passkey_removed,
	passkey_login_success: m.account_event_passkey_login_success,
	passkey_login_failure: m.account_event_passkey_login_failure,
	sign_in_settings_changed: m.account_event_sign_in_settings_changed
};

export function eventName(event: SecurityEvent): string {
	return eventNames[event]();
}

/** Date and time in the page's language, in a fixed zone so server and browser render the same text. */
export function staffDateTime(date: Date, timeStyle: 'short' | 'medium' = 'short'): string {
	return new Intl.DateTimeFormat(getLocale() === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium', timeStyle, timeZone: 'Europe/Amsterdam' }).format(date);
}
