// What a phone downloads for a student page: the HTML plus every stylesheet, script and
// module preload it names, each gzip-compressed as a proxy would send it (adapter-node sends
// HTML uncompressed; the TLS proxy in front compresses). Used by `npm run bench` and by the
// budget test (tests/integration/page-weight.test.ts). Loopback only.
import { gzipSync } from 'node:zlib';

/** QUALITY.md: the student page, HTML+CSS+JS compressed. */
export const STUDENT_PAGE_BUDGET_BYTES = 40 * 1024;

/** @param {string} html the addresses of the stylesheets, module preloads and scripts it names */
function assetsOf(html) {
	const links = [...html.matchAll(/<link\b[^>]*>/g)].map(([tag]) => tag).filter((tag) => /\brel="(stylesheet|modulepreload)"/.test(tag));
	const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
	return [...links.map((tag) => /\bhref="([^"]+)"/.exec(tag)?.[1]), ...scripts.map((tag) => /\bsrc="([^"]+)"/.exec(tag)?.[1])].filter(
		(address) => address !== undefined
	);
}

/**
 * @param {string} pageUrl
 * @returns {Promise<{ bytes: number; files: Array<{ url: string; bytes: number }> }>}
 */
export async function pageWeight(pageUrl) {
	const page = new URL(pageUrl);
	if (!['127.0.0.1', 'localhost', '[::1]'].includes(page.hostname)) throw new Error('page-weight measures loopback only');
	const html = await fetchText(page.href);
	const assets = [...new Set(assetsOf(html).map((address) => new URL(address.replaceAll('&amp;', '&'), page).href))];
	const files = [{ url: page.href, bytes: gzipSync(html).length }];
	for (const asset of assets) {
		if (new URL(asset).origin !== page.origin) throw new Error(`${page.pathname} names another origin: ${asset}`);
		files.push({ url: asset, bytes: gzipSync(await fetchText(asset)).length });
	}
	return { bytes: files.reduce((sum, file) => sum + file.bytes, 0), files };
}

/** @param {string} url */
async function fetchText(url) {
	const response = await fetch(url);
	if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
	return response.text();
}
