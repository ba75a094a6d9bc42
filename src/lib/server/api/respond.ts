import { json } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';

/** Picks the answer language of an API request from Accept-Language: English if preferred, else Dutch. */
export function apiLocale(request: Request): 'nl' | 'en' {
	const first = request.headers.get('accept-language')?.split(',')[0]?.trim().toLowerCase() ?? '';
	return first.startsWith('en') ? 'en' : 'nl';
}

/** The API's one error shape: `{"error": {"code", "message"}}`. */
export function apiError(status: number, code: string, message: string): Response {
	return json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });
}

const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON body of at most 16 KB. Anything else is answered with a 400 that says what was
 * wrong (the rule for bad input, oversized bodies included).
 */
export async function readJsonBody(request: Request, locale: 'nl' | 'en'): Promise<{ body: unknown } | { refusal: Response }> {
	const tooLarge = () => ({ refusal: apiError(400, 'too_large', m.api_error_too_large({}, { locale })) });
	if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return tooLarge();
	const text = await request.text();
	if (text.length > MAX_BODY_BYTES) return tooLarge();
	try {
		return { body: JSON.parse(text) };
	} catch {
		return { refusal: apiError(400, 'bad_request', m.api_error_bad_request({ detail: 'JSON' }, { locale })) };
	}
}
