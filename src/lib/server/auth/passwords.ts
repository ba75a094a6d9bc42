import { hash, verify } from '@node-rs/argon2';
import { commonPasswords as commonPasswordList } from './common-passwords';

/** OWASP's argon2id minimum: 19 MiB memory, 2 iterations, 1 lane. */
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

const commonPasswords = new Set(commonPasswordList);

export type PasswordProblem = 'too_short' | 'too_long' | 'too_common';

/** Length and a bundled list of common passwords (ASVS 5.0 6.2); no composition rules. */
export function passwordProblem(password: string): PasswordProblem | null {
	if (password.length < MIN_PASSWORD_LENGTH) return 'too_short';
	if (password.length > MAX_PASSWORD_LENGTH) return 'too_long';
	if (commonPasswords.has(password.toLowerCase())) return 'too_common';
	return null;
}

export function hashPassword(password: string): Promise<string> {
	return hash(password, argon2Options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of a real verification when there is no account, so response timing does
 * not tell whether an e-mail address is known.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
	dummyHash ??= hashPassword('no account has this password');
	await verifyPassword(await dummyHash, password);
	return false;
}
