/**
 * Virtual students for load and fault tests: each joins a round through the student API, thinks
 * a moment and submits once, recording what its phone heard. Loopback only, a fixed number of
 * students and a deadline, so a run always ends by itself (QUALITY.md "Traffic in tests").
 */

/**
 * What a phone can tell from one submission: counted (201), refused with a reason (4xx), or
 * nothing it can trust (5xx, a cut connection, a timeout): its batch may or may not have committed.
 */
export type Heard = { kind: 'acknowledged' } | { kind: 'refused'; status: number; code: string } | { kind: 'ambiguous'; why: string };

export type Answers = Record<string, number>;

const REQUEST_TIMEOUT_MS = 15_000;
const RETRY_PAUSE_MS = 100;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function post(url: string, body: unknown, headers: Record<string, string>, fetcher: typeof fetch) {
	return fetcher(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
	});
}

/** One submission of `answers` with `ballot`; `headers` are added to the request. */
export async function submitAnswers(baseUrl: string, ballot: string, answers: Answers, headers: Record<string, string> = {}, fetcher: typeof fetch = fetch): Promise<Heard> {
	try {
		const response = await post(`${baseUrl}/api/v1/answers`, { ballot, answers }, headers, fetcher);
		const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
		if (response.status === 201) return { kind: 'acknowledged' };
		if (response.status < 500) return { kind: 'refused', status: response.status, code: body.error?.code ?? '' };
		return { kind: 'ambiguous', why: `HTTP ${response.status}` };
	} catch (error) {
		return { kind: 'ambiguous', why: String((error as Error).cause ?? error) };
	}
}

/** Joins with the round's code, trying again while the server cannot answer; the ballot, or undefined after `deadline`. */
async function join(baseUrl: string, code: string, deadline: number, headers: Record<string, string>, fetcher: typeof fetch): Promise<string | undefined> {
	for (; Date.now() < deadline; await pause(RETRY_PAUSE_MS)) {
		const response = await post(`${baseUrl}/api/v1/join`, { code }, headers, fetcher).catch(() => undefined);
		if (!response) continue;
		const body = (await response.json().catch(() => ({}))) as { ballot?: string };
		if (response.status === 200 && body.ballot) return body.ballot;
		// A refusal (closed, full, rate limited) will not change by trying again.
		if (response.status < 500) throw new Error(`join refused with ${response.status}: ${JSON.stringify(body)}`);
	}
	return undefined;
}

export interface StudentRecord {
	ballot: string;
	/** What the first submission heard. */
	first: Heard;
}

export interface LoadOptions {
	baseUrl: string;
	joinCode: string;
	answers: Answers;
	students: number;
	/** Students joining or submitting at the same time. */
	concurrency: number;
	/** Nothing is sent after this many milliseconds; students who could not join by then are missing from the result. */
	timeoutMs: number;
	/** Added to every request (e.g. to steer it through a proxy). */
	headers?: Record<string, string>;
	/** Instead of the global fetch (e.g. one that trusts a test CA). */
	fetch?: typeof fetch;
}

export interface Load {
	/** Every student who joined, once each has submitted once. */
	done: Promise<StudentRecord[]>;
	/** How many submissions heard what so far. */
	heard(): Record<Heard['kind'], number>;
}

export function startLoad(options: LoadOptions): Load {
	const deadline = Date.now() + options.timeoutMs;
	const records: StudentRecord[] = [];
	const tally: Record<Heard['kind'], number> = { acknowledged: 0, refused: 0, ambiguous: 0 };
	let next = 0;
	async function worker() {
		while (next < options.students && Date.now() < deadline) {
			const index = next++;
			const ballot = await join(options.baseUrl, options.joinCode, deadline, options.headers ?? {}, options.fetch ?? fetch);
			if (!ballot) return;
			// Students take different times over the questions, so at any moment some have a
			// ballot and are about to send: a fault always finds submissions in flight.
			await pause(20 + ((index * 53) % 180));
			const first = await submitAnswers(options.baseUrl, ballot, options.answers, options.headers, options.fetch);
			tally[first.kind] += 1;
			records.push({ ballot, first });
		}
	}
	const done = Promise.all(Array.from({ length: options.concurrency }, worker)).then(() => records);
	return { done, heard: () => ({ ...tally }) };
}

/**
 * A phone whose submission heard nothing trustworthy sends it again with the same ballot until
 * it hears a clear answer: 201 if the first never counted, 409 `ballot_used` if it did.
 */
export async function resendUntilClear(baseUrl: string, ballot: string, answers: Answers, timeoutMs = 15_000): Promise<Heard> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const heard = await submitAnswers(baseUrl, ballot, answers);
		if (heard.kind !== 'ambiguous' || Date.now() > deadline) return heard;
		await pause(RETRY_PAUSE_MS);
	}
}
