import path from 'node:path';
import type { Page } from 'playwright-core';
import { root } from '../../../scripts/build-if-stale.js';

export const screenshotDir = path.join(root, 'test-results', 'screenshots');

/** Keeps a full-page picture of a key page as a test artifact (test-results/ is not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
	await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}
