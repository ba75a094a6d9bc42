import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBytesFromPool } from './random-pool';

/**
 * Authenticated encryption (AES-256-GCM) of short texts under a 32-byte key kept outside the
 * database, stored as `v1.<iv>.<ciphertext>.<tag>`, each part base64url. A fresh IV per seal, so
 * sealing the same text twice gives two different strings.
 */

export function seal(key: Buffer, plain: string): string {
	const iv = randomBytesFromPool(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return ['v1', iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** Throws when the text was not sealed under this key or was altered. */
export function open(key: Buffer, sealed: string): string {
	const [version, iv, ciphertext, tag] = sealed.split('.');
	if (version !== 'v1' || !iv || !ciphertext || !tag) throw new Error('not a sealed text');
	const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
	decipher.setAuthTag(Buffer.from(tag, 'base64url'));
	return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
