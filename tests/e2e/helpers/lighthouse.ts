import { navigation, snapshot, type Flags } from 'lighthouse';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumArgs, executablePath } from './browser';

/**
 * Lighthouse (exactly 12.2.3: later versions need Node 22) as the outside judge of a page's
 * accessibility and best practices, driving Debian's Chromium through puppeteer-core.
 * Only those two categories run, unthrottled: scores, not timings, are what is checked.
 */

export type FormFactor = 'phone' | 'desktop';
const CATEGORIES = ['accessibility', 'best-practices'] as const;

export function launchAuditBrowser(): Promise<Browser> {
	return puppeteer.launch({ executablePath, headless: true, args: chromiumArgs.filter((a) => a !== '--headless') });
}

function flagsFor(formFactor: FormFactor): Flags {
	return {
		onlyCategories: [...CATEGORIES],
		formFactor: formFactor === 'phone' ? 'mobile' : 'desktop',
		screenEmulation:
			formFactor === 'phone'
				? { mobile: true, width: 390, height: 844, deviceScaleFactor: 2, disabled: false }
				: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
		throttlingMethod: 'provided',
		// The pages are served from loopback and settle at once; Lighthouse's default waits
		// (a second of quiet network and CPU each) would make up most of the run.
		pauseAfterFcpMs: 0,
		pauseAfterLoadMs: 0,
		networkQuietThresholdMs: 100,
		cpuQuietThresholdMs: 100,
		// The staff session cookie set before the run must survive it.
		disableStorageReset: true,
		disableFullPageScreenshot: true,
		logLevel: 'error'
	};
}

export interface Verdict {
	scores: Record<(typeof CATEGORIES)[number], number | null>;
	/** Each audit that cost points: its id, title and the elements it names. */
	failures: string[];
}

/** Audits `url` loaded fresh in `page` (navigation), or the page as it stands (snapshot). */
export async function lighthouse(page: Page, formFactor: FormFactor, url?: string): Promise<Verdict> {
	const flags = flagsFor(formFactor);
	const result = url ? await navigation(page, url, { flags }) : await snapshot(page, { flags });
	if (!result) throw new Error('Lighthouse returned no result');
	const { lhr } = result;
	const failures: string[] = [];
	for (const id of CATEGORIES) {
		for (const ref of lhr.categories[id]!.auditRefs) {
			const audit = lhr.audits[ref.id]!;
			if (ref.weight === 0 || audit.score === null || audit.score === 1) continue;
			const details = audit.details as { items?: Array<{ node?: { selector?: string }; description?: string }> } | undefined;
			const where = (details?.items ?? []).map((item) => item.node?.selector ?? item.description ?? '').filter(Boolean);
			failures.push(`${ref.id}: ${audit.title}${where.length ? ` (${where.join(', ')})` : ''}`);
		}
	}
	return {
		scores: { accessibility: lhr.categories.accessibility!.score, 'best-practices': lhr.categories['best-practices']!.score },
		failures
	};
}

export type { Page as AuditPage, Browser as AuditBrowser };
