import type { Page } from 'playwright-core';

/**
 * Picks the first choice of every question, as a hurried student would: on the one-page form
 * (no JavaScript) and through the one-question-at-a-time stepper (with it) alike.
 */
export async function answerAll(page: Page): Promise<void> {
	const questions = page.locator('fieldset.question');
	const next = page.locator('.step-nav button', { hasText: /^(Volgende|Next)$/ });
	const count = await questions.count();
	for (let i = 0; i < count; i++) {
		const choice = questions.nth(i).locator('label.choice').first();
		if (await choice.count()) await choice.click();
		if (i < count - 1 && (await next.isVisible())) await next.click();
	}
}
