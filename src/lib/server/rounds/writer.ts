import type { Config } from '../config';
import type { Database } from '../db/client';
import { createBatchWriter, type BatchWriter } from './batch-writer';
import * as ballots from './ballots';
import { poolKey } from './pool-key';
import { createCoalescer, type Coalescer, type CoalescerOptions } from './coalescer';

/**
 * The server's two writers of the student path, started after the database and closed before
 * it: the batch writer for answers (S6), and the ballot issuer, which writes the ballots of
 * joins that arrive together in one statement (a join then costs a share of one commit).
 */

let answers: BatchWriter | undefined;
/** Round id in, ballot token out (null: the round is not open). */
let issuer: Coalescer<string, string | null> | undefined;

export function startWriters(db: Database, cfg: Config): void {
	// Made or read now, so an unwritable DATA_DIR or a damaged key file stops the start-up, not a submission.
	poolKey();
	const options: CoalescerOptions = { windowMs: cfg.BATCH_WINDOW_MS, maxBatch: cfg.BATCH_MAX_SIZE, concurrency: cfg.BATCH_CONCURRENCY };
	answers ??= createBatchWriter(db, options);
	issuer ??= createCoalescer((roundIds: string[]) => ballots.issueMany(db, roundIds), options);
}

export function serverWriter(): BatchWriter {
	if (!answers) throw new Error('Batch writer used before start-up opened it');
	return answers;
}

/** A new ballot for an open round, written together with the other joins of its moment. */
export function issueBallot(roundId: string): Promise<string | null> {
	if (!issuer) throw new Error('Ballot issuer used before start-up opened it');
	return issuer.add(roundId);
}

/** Writes what is pending (nothing acknowledged is lost) and stops taking more. */
export async function stopWriters(): Promise<void> {
	const closing = [answers, issuer];
	answers = issuer = undefined;
	await Promise.all(closing.map((writer) => writer?.close()));
}
