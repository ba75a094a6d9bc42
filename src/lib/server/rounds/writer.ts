import type { Config } from '../config';
import type { Database } from '../db/client';
import { createBatchWriter, type BatchWriter } from './batch-writer';

/** The server's one batch writer, started after the database and closed before it. */
let current: BatchWriter | undefined;

export function startWriter(db: Database, cfg: Config): BatchWriter {
	current ??= createBatchWriter(db, {
		windowMs: cfg.BATCH_WINDOW_MS,
		maxBatch: cfg.BATCH_MAX_SIZE,
		concurrency: cfg.BATCH_CONCURRENCY
	});
	return current;
}

export function serverWriter(): BatchWriter {
	if (!current) throw new Error('Batch writer used before start-up opened it');
	return current;
}

/** Writes what is pending (nothing acknowledged is lost) and stops taking submissions. */
export async function stopWriter(): Promise<void> {
	const closing = current;
	current = undefined;
	await closing?.close();
}
