import { encodeBase64urlNoPadding, decodeBase64urlIgnorePadding } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { ballots, tans } from '../db/schema';
import { hashToken } from '../auth/tokens';

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
	const random = new Uint8Array(16);
	crypto.getRandomValues(random);
	return `${encodeBase64urlNoPadding(uuidToBytes(roundId))}.${encodeBase64urlNoPadding(random)}`;
}

export async function issue(db: Database, roundId: string): Promise<string> {
	const token = newToken(roundId);
	await db.insert(ballots).values({ tokenHash: hashToken(token), roundId });
	return token;
}

/** Exchanges a printed one-time code for a ballot, once. Null when the code is unknown or used. */
export async function exchangeTan(db: Database, tan: string): Promise<{ roundId: string; token: string } | null> {
	return db.transaction(async (tx) => {
		const [used] = await tx.delete(tans).where(eq(tans.codeHash, hashToken(normaliseTan(tan)))).returning({ roundId: tans.roundId });
		if (!used) return null;
		return { roundId: used.roundId, token: await issue(tx, used.roundId) };
	});
}

/** TANs are typed from paper: case, spaces and dashes do not matter. */
export function normaliseTan(tan: string): string {
	return tan.toUpperCase().replace(/[\s-]/g, '');
}
