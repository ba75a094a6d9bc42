import { config } from '../config';
import * as sealedBox from '../crypto/sealed-box';

/**
 * The client secrets of identity providers, encrypted at rest with SSO_SECRET_KEY, so a database
 * backup alone does not let anyone act as the school's registered application.
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

export const seal = (plain: string): string => sealedBox.seal(key(), plain);
export const open = (sealed: string): string => sealedBox.open(key(), sealed);
