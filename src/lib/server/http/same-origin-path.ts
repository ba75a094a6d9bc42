/**
 * A target taken from user input (`?next=`, the path of the current page) as a path on our own
 * origin, or null when it would lead anywhere else.
 *
 * Resolved with the WHATWG URL parser, the one the browser applies to a `Location` or an
 * `href`, rather than checked with a pattern: the parser drops tabs and newlines, trims C0
 * controls and spaces, reads `\` as `/` and `//host` as another host, so a pattern that looks
 * at the raw text passes `/\t/evil.example` and the browser then goes to evil.example. Only the
 * normalised path and query are returned, never the raw input.
 */
export function sameOriginPath(candidate: string | null | undefined, origin: string): string | null {
	if (!candidate) return null;
	let url: URL;
	try {
		url = new URL(candidate, origin);
	} catch {
		return null;
	}
	if (url.origin !== new URL(origin).origin) return null;
	// `/.//evil.example` and `/..//evil.example` resolve on our origin to the path
	// `//evil.example`, which, sent back as a path, names another host.
	if (url.pathname.startsWith('//')) return null;
	return url.pathname + url.search;
}
