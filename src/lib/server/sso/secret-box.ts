import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { config } from '../config';

/**
 * The client secrets of identity providers, encrypted at rest with SSO_SECRET_KEY (AES-256-GCM),
 * so a database backup alone does not let anyone act as the school's registered application.
 * Stored as `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */

export class SecretKeyMissing extends Error {
	constructor() {
		super('SSO_SECRET_KEY is not set');
	}
}

function key(): Buffer {
	const value = config().SSO_SECRET_KEY;
	if (!value) throw new SecretKeyMissing();
	return Buffer.from(value, 'base64url');
}

export function seal(plain: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key(), iv);
	const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return ['v1', iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export function open(sealed: string): string {
	const [version, iv, ciphertext, tag] = sealed.split('.');
	if (version !== 'v1' || !iv || !ciphertext || !tag) throw new Error('not a sealed secret');
	const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
	decipher.setAuthTag(Buffer.from(tag, 'base64url'));
	return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
