import { encodeBase64urlNoPadding, decodeBase64urlIgnorePadding } from '@oslojs/encoding';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { preparedPer } from '../db/prepared';
import { ballots, roundTallies, rounds, tans } from '../db/schema';
import { hashToken } from '../auth/tokens';
import { randomBytesFromPool } from '../crypto/random-pool';
import { isOpen } from './rounds';

/**
 * Single-use ballots (PRIVACY.md S3). A ballot token is the round's id followed by 128 random
 * bits; the database keeps only its SHA-256 with the round id. Carrying the round id in the
 * token lets a submission be validated without a lookup; it says nothing about the student.
 */

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/;

function uuidToBytes(uuid: string): Uint8Array {
	return Uint8Array.from(uuid.replace(/-/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
}

function bytesToUuid(bytes: Uint8Array): string {
	const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isBallotToken(token: string): boolean {
	return TOKEN_SHAPE.test(token);
}

/** The round a well-formed ballot token names (whether the ballot is valid is for the batch writer). */
export function roundOfToken(token: string): string | null {
	if (!isBallotToken(token)) return null;
	return bytesToUuid(decodeBase64urlIgnorePadding(token.slice(0, 22)));
}

function newToken(roundId: string): string {
	const random = randomBytesFromPool(16);
	return `${encodeBase64urlNoPadding(uuidToBytes(roundId))}.${encodeBase64urlNoPadding(random)}`;
}

/**
 * Issues one ballot per entry for rounds that are open and not full; null for a round that is
 * not (closed, past its closing time, at its cap, unknown). One statement, so it commits on its
 * own without a transaction's extra round trips. It share-locks the round rows: a concurrent
 * close either waits for it and then deletes these ballots too, or makes it wait and issue
 * nothing. No ballot outlives its round (S3).
 */
export async function issueMany(db: Database, roundIds: string[]): Promise<Array<string | null>> {
	const tokens = roundIds.map(newToken);
	const hashes = tokens.map(hashToken);
	const wanted = JSON.stringify(roundIds.map((roundId, i) => ({ token_hash: hashes[i]!, round_id: roundId })));
	const inserted = await insertBallots(db).execute({ wanted });
	const issued = new Set(inserted.map((row) => row.tokenHash));
	return tokens.map((token, i) => (issued.has(hashes[i]!) ? token : null));
}

/** The join's one write: prepared. `wanted` is the rows as one JSON text: a batch as separate
 * parameters cost more to build in JavaScript than the statement took to run. */
const insertBallots = preparedPer((db: Database) =>
	db
		.insert(ballots)
		.select(
			sql`select wanted.token_hash, ${rounds.id} from json_to_recordset(${sql.placeholder('wanted')}::json) as wanted(token_hash text, round_id uuid)
				join ${rounds} on ${rounds.id} = wanted.round_id
				join ${roundTallies} on ${roundTallies.roundId} = ${rounds.id}
				where ${isOpen} and (${rounds.cap} is null or ${roundTallies.n} < ${rounds.cap})
				for share of ${rounds}`
		)
		.returning({ tokenHash: ballots.tokenHash })
		.prepare('insert_ballots')
);

export async function issue(db: Database, roundId: string): Promise<string | null> {
	const [token] = await issueMany(db, [roundId]);
	return token ?? null;
}

/** Exchanges a printed one-time code for a ballot, once. Null when the code is unknown or used. */
export async function exchangeTan(db: Database, tan: string): Promise<{ roundId: string; token: string } | null> {
	return db.transaction(async (tx) => {
		const [used] = await tx.delete(tans).where(eq(tans.codeHash, hashToken(normaliseTan(tan)))).returning({ roundId: tans.roundId });
		const token = used && (await issue(tx, used.roundId));
		return token ? { roundId: used.roundId, token } : null;
	});
}

/** TANs are typed from paper: case, spaces and dashes do not matter. */
export function normaliseTan(tan: string): string {
	return tan.toUpperCase().replace(/[\s-]/g, '');
}
