import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Quiet Chromium: no update checks, sync or other background traffic that would show up as
// off-origin requests and make runs differ.
export const chromiumArgs = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

export function launchBrowser(): Promise<Browser> {
	return chromium.launch({ executablePath, args: chromiumArgs });
}

export interface Phone {
	context: BrowserContext;
	page: Page;
	/** What must never happen on any page of ours, one readable line each; empty when clean. */
	problems(): string[];
	/** Responses so far that carried a Set-Cookie header, as `url: value`. */
	cookiesSet(): Promise<string[]>;
	close(): Promise<void>;
}

export interface PhoneOptions {
	javaScriptEnabled?: boolean;
	/** For a test's own https peer with a certificate of its own (the identity provider). */
	ignoreHTTPSErrors?: boolean;
	/** The system's colour scheme the pages see (prefers-color-scheme); light by default. */
	colorScheme?: 'light' | 'dark';
	/** A 1280x800 desktop screen instead of the phone. */
	desktop?: boolean;
}

const cspMessage = /Content[- ]Security[- ]Policy/i;

/** A phone-sized context (iPhone 12-ish) watching everything the pages do against `appUrl`. */
export async function openPhone(browser: Browser, appUrl: string, options: PhoneOptions = {}): Promise<Phone> {
	const context = await browser.newContext({
		...(options.desktop
			? { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }
			: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }),
		colorScheme: options.colorScheme ?? 'light',
		javaScriptEnabled: options.javaScriptEnabled ?? true,
		ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false
	});
	const origin = new URL(appUrl).origin;
	const offOrigin: string[] = [];
	const consoleErrors: { text: string; url: string }[] = [];
	const csp: string[] = [];
	const pageErrors: string[] = [];
	const cookies: string[] = [];
	// Raw headers arrive asynchronously; cookiesSet() waits for every lookup started so far.
	const cookieLookups: Promise<void>[] = [];
	// A page answered with 4xx on purpose (a refused form post without JS) makes Chromium log
	// "Failed to load resource"; that answer is the app's message, checked by the test itself.
	const failedDocuments = new Set<string>();

	context.on('request', (request) => {
		const url = request.url();
		if (url.startsWith('data:') || url.startsWith('blob:')) return;
		if (new URL(url).origin !== origin) offOrigin.push(`${request.method()} ${url}`);
	});
	context.on('response', (response) => {
		if (response.request().resourceType() === 'document' && response.status() >= 400) {
			failedDocuments.add(response.url());
		}
		cookieLookups.push(
			response.headerValue('set-cookie').then(
				(value) => {
					if (value !== null) cookies.push(`${response.url()}: ${value}`);
				},
				// The page went away before its headers could be read: nothing to check.
				() => {}
			)
		);
	});
	context.on('console', (message) => {
		const text = message.text();
		if (cspMessage.test(text)) csp.push(text);
		else if (message.type() === 'error') consoleErrors.push({ text, url: message.location().url });
	});
	context.on('weberror', (error) => pageErrors.push(error.error().message));

	const isExpectedDocumentFailure = ({ text, url }: { text: string; url: string }) =>
		text.startsWith('Failed to load resource') && failedDocuments.has(url);

	const page = await context.newPage();
	return {
		context,
		page,
		problems: () => [
			...offOrigin.map((r) => `off-origin request: ${r}`),
			...csp.map((m) => `CSP violation: ${m}`),
			...consoleErrors.filter((m) => !isExpectedDocumentFailure(m)).map((m) => `console error: ${m.text} (${m.url})`),
			...pageErrors.map((m) => `uncaught error: ${m}`)
		],
		async cookiesSet() {
			await Promise.all(cookieLookups);
			return [...cookies];
		},
		close: () => context.close()
	};
}
