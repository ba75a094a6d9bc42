import { json } from '@sveltejs/kit';

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

/** Reads a JSON body of at most 16 KB; undefined when it is too large or not JSON. */
export async function readJson(request: Request): Promise<{ body: unknown } | { problem: 'too_large' | 'not_json' }> {
	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > MAX_BODY_BYTES) return { problem: 'too_large' };
	const text = await request.text();
	if (text.length > MAX_BODY_BYTES) return { problem: 'too_large' };
	try {
		return { body: JSON.parse(text) };
	} catch {
		return { problem: 'not_json' };
	}
}
