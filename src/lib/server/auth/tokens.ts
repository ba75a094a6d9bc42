import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A random secret for a link or cookie: 160 bits, base32 so it survives URLs and e-mail. */
export function generateToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * What the database keeps of a token: its SHA-256 (hex), so a database leak yields no usable
 * link. Node's native hash: every join and submission hashes a ballot, and the JavaScript
 * SHA-256 cost about 1.5 % of the server's CPU under load.
 */
export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}
