/**
 * What a browser does with redirects and cookies, and no more, for redirect flows tested over
 * HTTP (single sign-on). Like a browser, it keeps cookies per host and not per port: the app and
 * the test's identity provider share 127.0.0.1, and so share cookies, as they would in Chromium.
 */
export class CookieBrowser {
	readonly cookies = new Map<string, string>();

	constructor(private readonly fetcher: typeof fetch = fetch) {}

	/** One request, with the cookies, storing what the response sets. Redirects are not followed. */
	async request(url: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
		const response = await this.fetcher(url, { ...init, headers, redirect: 'manual' });
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const name = pair!.slice(0, pair!.indexOf('=')).trim();
			const value = pair!.slice(pair!.indexOf('=') + 1).trim();
			const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
			if (expired || value === '') this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
		return response;
	}

	/**
	 * Follows redirects from `url` until a response that is not one, or until the next address
	 * satisfies `stopBefore` (which is then returned unvisited, e.g. a callback to tamper with).
	 */
	async follow(url: string, init: RequestInit = {}, stopBefore: (next: string) => boolean = () => false): Promise<{ url: string; response: Response | null }> {
		let current = url;
		let response = await this.request(current, init);
		for (let hops = 0; hops < 20; hops++) {
			const location = response.headers.get('location');
			if (response.status < 300 || response.status >= 400 || !location) return { url: current, response };
			await response.body?.cancel();
			current = new URL(location, current).href;
			if (stopBefore(current)) return { url: current, response: null };
			response = await this.request(current);
		}
		throw new Error(`more than 20 redirects from ${url}`);
	}
}
