import { m } from '$lib/paraglide/messages';

/**
 * What an endpoint of the student API answers, before any transport: always JSON, never
 * cached. The SvelteKit routes turn it into a Response, the Node fast path writes it directly.
 */
export type ApiReply = { status: number; body: string };

/** What an endpoint of the student API reads of a request. */
export type ApiRequest = {
	/** The body as text; null when it was larger than MAX_BODY_BYTES (and was not read). */
	body: string | null;
	acceptLanguage: string | null;
	/** The client's address, only for rate limiting (PRIVACY.md S1); asked for only by join. */
	clientAddress: () => string;
};

export type Endpoint = (request: ApiRequest) => Promise<ApiReply>;

/** Response headers of every reply of the student API, on either transport. */
export const apiReplyHeaders = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } as const;

export const MAX_BODY_BYTES = 16 * 1024;

/** Picks the answer language of an API request from Accept-Language: English if preferred, else Dutch. */
export function apiLocale(acceptLanguage: string | null): 'nl' | 'en' {
	const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
	return first.startsWith('en') ? 'en' : 'nl';
}

/** The API's one error shape: `{"error": {"code", "message"}}`. */
export function apiError(status: number, code: string, message: string): ApiReply {
	return { status, body: JSON.stringify({ error: { code, message } }) };
}

/**
 * Parses a JSON body of at most 16 KB. Anything else is answered with a 400 that says what was
 * wrong (the rule for bad input, oversized bodies included).
 */
export function parseJsonBody(text: string | null, locale: 'nl' | 'en'): { body: unknown } | { refusal: ApiReply } {
	if (text === null || text.length > MAX_BODY_BYTES) {
		return { refusal: apiError(400, 'too_large', m.api_error_too_large({}, { locale })) };
	}
	try {
		return { body: JSON.parse(text) };
	} catch {
		return { refusal: apiError(400, 'bad_request', m.api_error_bad_request({ detail: 'JSON' }, { locale })) };
	}
}
