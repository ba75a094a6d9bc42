import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type AuthenticatorTransport,
	type RegistrationResponseJSON
} from '@simplewebauthn/server';
import { and, asc, eq, lt } from 'drizzle-orm';
import { config } from '../config';
import type { Database } from '../db/client';
import { passkeyChallenges, passkeys, users } from '../db/schema';
import { log, errorFields } from '../log';
import * as securityLog from '../security-log';
import { generateToken, hashToken } from './tokens';

/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: added on "My data", used as the second step
 * after a password or single sign-on, or alone (they are two factors in one: the device, and
 * the fingerprint or PIN that unlocks it, so user verification is required). Every ceremony's
 * challenge is kept once, for the browser holding `token`, for five minutes.
 */

const CHALLENGE_TTL_MS = 5 * 60_000;

function relyingParty() {
	const origin = config().ORIGIN;
	return { origin, rpID: new URL(origin).hostname };
}

async function keepChallenge(db: Database, challenge: string, now: Date): Promise<string> {
	const token = generateToken();
	await deleteExpiredChallenges(db, now);
	await db.insert(passkeyChallenges).values({ tokenHash: hashToken(token), challenge, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) });
	return token;
}

/** Ceremonies never finished (on each new one, and by the retention job). */
export async function deleteExpiredChallenges(db: Database, now = new Date()): Promise<number> {
	return (await db.delete(passkeyChallenges).where(lt(passkeyChallenges.expiresAt, now)).returning({ tokenHash: passkeyChallenges.tokenHash })).length;
}

/** The challenge for `token`, used up by this call; null when unknown, used or expired. */
async function takeChallenge(db: Database, token: string | undefined, now: Date): Promise<string | null> {
	if (!token) return null;
	const [row] = await db.delete(passkeyChallenges).where(eq(passkeyChallenges.tokenHash, hashToken(token))).returning();
	return row && row.expiresAt > now ? row.challenge : null;
}

const transportsOf = (values: string[]) => values as AuthenticatorTransport[];

export function list(db: Database, userId: string) {
	return db.select({ id: passkeys.id, createdAt: passkeys.createdAt }).from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt));
}

export async function registrationOptions(db: Database, user: { id: string; email: string }, now = new Date()) {
	const existing = await db.select({ id: passkeys.id, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, user.id));
	const options = await generateRegistrationOptions({
		rpName: 'LesSpiegel',
		rpID: relyingParty().rpID,
		userName: user.email,
		userID: new TextEncoder().encode(user.id),
		attestationType: 'none',
		excludeCredentials: existing.map((p) => ({ id: p.id, transports: transportsOf(p.transports) })),
		authenticatorSelection: { residentKey: 'required', userVerification: 'required' }
	});
	return { token: await keepChallenge(db, options.challenge, now), options };
}

export async function register(db: Database, userId: string, token: string | undefined, response: RegistrationResponseJSON, ip: string | null, now = new Date()): Promise<boolean> {
	const challenge = await takeChallenge(db, token, now);
	if (!challenge) return false;
	const { origin, rpID } = relyingParty();
	let verification;
	try {
		verification = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true });
	} catch (error) {
		log.warn('passkey.registration_refused', errorFields(error));
		return false;
	}
	if (!verification.verified) return false;
	const { credential } = verification.registrationInfo;
	await db.transaction(async (tx) => {
		await tx.insert(passkeys).values({
			id: credential.id,
			userId,
			publicKey: Buffer.from(credential.publicKey).toString('base64url'),
			counter: credential.counter,
			transports: credential.transports ?? []
		});
		await securityLog.record(tx, { event: 'passkey_added', userId, ip });
	});
	return true;
}

export async function remove(db: Database, userId: string, passkeyId: string, ip: string | null): Promise<boolean> {
	return db.transaction(async (tx) => {
		const removed = await tx.delete(passkeys).where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId))).returning({ id: passkeys.id });
		if (removed.length === 0) return false;
		await securityLog.record(tx, { event: 'passkey_removed', userId, ip });
		return true;
	});
}

/** Options for signing in: for `userId`'s passkeys (second step), or for any (passkey alone). */
export async function authenticationOptions(db: Database, userId: string | null, now = new Date()) {
	const allowed = userId ? await db.select({ id: passkeys.id, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId)) : [];
	const options = await generateAuthenticationOptions({
		rpID: relyingParty().rpID,
		allowCredentials: allowed.map((p) => ({ id: p.id, transports: transportsOf(p.transports) })),
		userVerification: 'required'
	});
	return { token: await keepChallenge(db, options.challenge, now), options };
}

/**
 * Checks a signed challenge. With `expectedUserId` (the second step of a session) the passkey
 * must be that user's; without, it names its user. A passkey of a deactivated account fails.
 */
export async function authenticate(
	db: Database,
	token: string | undefined,
	response: AuthenticationResponseJSON,
	expectedUserId: string | null,
	ip: string | null,
	now = new Date()
): Promise<{ ok: true; userId: string } | { ok: false }> {
	const challenge = await takeChallenge(db, token, now);
	const [stored] = challenge
		? await db
				.select({ passkey: passkeys, deactivatedAt: users.deactivatedAt })
				.from(passkeys)
				.innerJoin(users, eq(users.id, passkeys.userId))
				.where(eq(passkeys.id, response.id))
		: [];
	const refuse = async (userId: string | null) => {
		await securityLog.record(db, { event: 'passkey_login_failure', userId, ip });
		return { ok: false } as const;
	};
	if (!challenge || !stored || stored.deactivatedAt) return refuse(expectedUserId);
	if (expectedUserId && stored.passkey.userId !== expectedUserId) return refuse(expectedUserId);
	const { origin, rpID } = relyingParty();
	let verification;
	try {
		verification = await verifyAuthenticationResponse({
			response,
			expectedChallenge: challenge,
			expectedOrigin: origin,
			expectedRPID: rpID,
			requireUserVerification: true,
			credential: {
				id: stored.passkey.id,
				publicKey: new Uint8Array(Buffer.from(stored.passkey.publicKey, 'base64url')),
				counter: stored.passkey.counter,
				transports: transportsOf(stored.passkey.transports)
			}
		});
	} catch (error) {
		log.warn('passkey.authentication_refused', errorFields(error));
		return refuse(stored.passkey.userId);
	}
	if (!verification.verified) return refuse(stored.passkey.userId);
	await db.update(passkeys).set({ counter: verification.authenticationInfo.newCounter }).where(eq(passkeys.id, stored.passkey.id));
	await securityLog.record(db, { event: 'passkey_login_success', userId: stored.passkey.userId, ip });
	return { ok: true, userId: stored.passkey.userId };
}
