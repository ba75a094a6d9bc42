/**
 * Collects items that arrive within a short window and applies them together, answering each
 * caller once the whole batch is applied. The student write path runs on it twice: answers
 * (PRIVACY.md S6: a batch hides which ballot caused which increments) and ballots (a join
 * costs a share of one commit instead of a commit of its own).
 */

export interface CoalescerOptions {
	/** How long the first item of a batch waits for company. */
	windowMs: number;
	/** A batch this large is applied at once. */
	maxBatch: number;
	/** Batches applied at the same time (each holds a database connection). */
	concurrency: number;
}

export interface Coalescer<T, R> {
	/** Resolves with this item's result once its batch is applied; rejects when the batch failed. */
	add(item: T): Promise<R>;
	/** Applies what is pending and stops taking items. */
	close(): Promise<void>;
}

interface Pending<T, R> {
	item: T;
	/** performance.now() on arrival: the window runs from the oldest pending item. */
	since: number;
	resolve(result: R): void;
	reject(error: unknown): void;
}

/** `apply` gets a batch and returns one result per item, in order; if it throws, the whole batch fails. */
export function createCoalescer<T, R>(apply: (batch: T[]) => Promise<R[]>, options: CoalescerOptions): Coalescer<T, R> {
	let pending: Pending<T, R>[] = [];
	let timer: NodeJS.Timeout | undefined;
	let inFlight = 0;
	let closed = false;
	const idle: Array<() => void> = [];

	function schedule() {
		if (pending.length === 0 || inFlight >= options.concurrency) return;
		if (pending.length >= options.maxBatch || closed) {
			clearTimeout(timer);
			timer = undefined;
			void flush();
		} else {
			// Items that queued up behind a running batch have waited already.
			const wait = Math.max(0, pending[0]!.since + options.windowMs - performance.now());
			timer ??= setTimeout(() => {
				timer = undefined;
				void flush();
			}, wait);
		}
	}

	async function flush() {
		if (pending.length === 0 || inFlight >= options.concurrency) return;
		const batch = pending.slice(0, options.maxBatch);
		pending = pending.slice(batch.length);
		inFlight += 1;
		try {
			const results = await apply(batch.map((p) => p.item));
			batch.forEach((p, i) => p.resolve(results[i]!));
		} catch (error) {
			for (const p of batch) p.reject(error);
		} finally {
			inFlight -= 1;
			schedule();
			if (inFlight === 0 && pending.length === 0) idle.splice(0).forEach((done) => done());
		}
	}

	return {
		add(item) {
			if (closed) return Promise.reject(new Error('Closed: the server is shutting down'));
			return new Promise<R>((resolve, reject) => {
				pending.push({ item, since: performance.now(), resolve, reject });
				schedule();
			});
		},
		async close() {
			closed = true;
			if (inFlight === 0 && pending.length === 0) return;
			const done = new Promise<void>((resolve) => idle.push(resolve));
			schedule();
			await done;
		}
	};
}
