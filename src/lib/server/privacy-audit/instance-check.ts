import { check, type Check } from './findings';

/**
 * The running instance as a student's phone meets it: the pages and the API a student uses
 * set no cookie (S1), every page has a Content-Security-Policy that loads nothing from another
 * site (S8), and the pages name no resource of another origin.
 */
export type Fetcher = (url: string, init?: RequestInit) => Promise<Response>;

const studentRequests = [
	{ path: '/', init: {} },
	{ path: '/en', init: {} },
	{ path: '/r/ZZZZZZ', init: {} },
	{ path: '/privacy', init: {} },
	{ path: '/api/v1/join', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'ZZZZZZ' }) } }
];

function cspFindings(path: string, csp: string | null): string[] {
	if (!csp) return [`${path}: no Content-Security-Policy`];
	const found: string[] = [];
	if (!/(^|;)\s*default-src 'self'/.test(csp)) found.push(`${path}: default-src is not 'self'`);
	for (const source of csp.match(/(?:https?:|wss?:)\/\/[^\s;]+|(?<=\s)\*(?=[\s;]|$)/g) ?? []) found.push(`${path}: allows ${source}`);
	return found;
}

export async function checkInstance(fetcher: Fetcher, origin: string): Promise<Check[]> {
	const cookies: string[] = [];
	const policy: string[] = [];
	const thirdParty: string[] = [];
	const unreachable: string[] = [];
	for (const { path, init } of studentRequests) {
		let response: Response;
		try {
			response = await fetcher(new URL(path, origin).href, { ...init, redirect: 'manual' });
		} catch (error) {
			unreachable.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
			continue;
		}
		if (response.headers.get('set-cookie')) cookies.push(`${path}: sets a cookie`);
		const type = response.headers.get('content-type') ?? '';
		if (type.startsWith('text/html')) {
			policy.push(...cspFindings(path, response.headers.get('content-security-policy')));
			const html = await response.text();
			for (const [, url] of html.matchAll(/(?:src|href|action)="((?:https?:)?\/\/[^"]+)"/g)) {
				if (new URL(url!, origin).origin !== new URL(origin).origin) thirdParty.push(`${path}: ${url}`);
			}
		} else await response.body?.cancel();
	}
	const seen = { kind: 'instance', requests: studentRequests.length, origin } as const;
	return [
		check('instance.reachable', unreachable, seen),
		check('instance.cookies', cookies, seen),
		check('instance.csp', policy, seen),
		check('instance.third_party', thirdParty, seen)
	];
}
