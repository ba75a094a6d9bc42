import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeOptions {
	/** False for a page in a context with JavaScript disabled. */
	javaScriptEnabled?: boolean;
	/** Also WCAG AAA's enhanced contrast (7:1), for what is read from the back of a classroom. */
	aaaContrast?: boolean;
}

/**
 * Runs axe-core in the page and returns one readable line per violated rule (empty when
 * clean). Evaluated over the DevTools protocol rather than as a <script> tag, which the app's
 * CSP rightly refuses.
 */
export async function axeViolations(page: Page, { javaScriptEnabled = true, aaaContrast = false }: AxeOptions = {}): Promise<string[]> {
	if (!javaScriptEnabled) {
		// With JavaScript off, Chromium runs no timers (nor queueMicrotask callbacks), yet axe
		// waits on setTimeout(fn, 0) after every rule; promise jobs still run. The page's own
		// scripts never ran, so replacing the timer harms nothing.
		await page.evaluate(() => {
			const immediate = (callback: () => void, delay?: number) => {
				if (!delay) void Promise.resolve().then(callback);
				return 0;
			};
			window.setTimeout = immediate as typeof window.setTimeout;
		});
	}
	await page.evaluate(axeSource);
	const results = await page.evaluate(
		({ runOnly, enhanced }) =>
			(window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, {
				runOnly: { type: 'tag', values: runOnly },
				rules: enhanced ? { 'color-contrast-enhanced': { enabled: true } } : {}
			}),
		{ runOnly: tags, enhanced: aaaContrast }
	);
	return results.violations.map((violation) => {
		const nodes = violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`.trim());
		return `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}\n  ${nodes.join('\n  ')}`;
	});
}
