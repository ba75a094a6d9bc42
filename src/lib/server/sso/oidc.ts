import { eq, lt } from 'drizzle-orm';
import * as client from 'openid-client';
import { generateToken, hashToken } from '../auth/tokens';
import { config } from '../config';
import type { Database } from '../db/client';
import { ssoAttempts } from '../db/schema';
import { errorFields, log } from '../log';
import { memoize } from '../memo';
import * as securityLog from '../security-log';
import { matchStaff, type SsoFailure } from './match';
import * as providers from './providers';
import { open } from './secret-box';

/**
 * OpenID Connect sign-in (authorization code flow with PKCE, state and nonce), all protocol
 * work done by openid-client: discovery, the token request, and the ID token's checks (issuer,
 * audience, expiry, nonce, and with non-repudiation checks on, its signature against the
 * provider's JWKS). What is ours: remembering the attempt once, and which account it opens.
 */

const ATTEMPT_TTL_MS = 10 * 60_000;
const CALLBACK_PATH = '/login/sso/callback';

export function callbackUrl(): string {
	return new URL(CALLBACK_PATH, config().ORIGIN).href;
}

/** Discovery once per provider per ten minutes; a failed discovery is not kept. */
const configurationOf = memoize(
	async (db, providerId) => {
		const provider = await providers.find(db, providerId);
		if (!provider) return null;
		const secret = provider.clientSecret ? open(provider.clientSecret) : null;
		const configuration = await client.discovery(
			new URL(provider.issuer),
			provider.clientId,
			{ redirect_uris: [callbackUrl()], response_types: ['code'] },
			secret ? client.ClientSecretBasic(secret) : client.None(),
			{ timeout: 10, execute: [client.enableNonRepudiationChecks] }
		);
		return { provider, configuration };
	},
	{ ttlMs: 10 * 60_000 }
);

/** Checks that an issuer answers discovery, before an admin saves it. */
export async function checkIssuer(issuer: string, clientId: string): Promise<string | null> {
	try {
		await client.discovery(new URL(issuer), clientId, undefined, client.None(), { timeout: 10 });
		return null;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

export type BeginResult = { ok: true; token: string; url: string } | { ok: false; reason: 'unknown_provider' | 'provider_unreachable' };

/** Starts a sign-in: the browser keeps `token` in a cookie and is sent to `url`. */
export async function begin(db: Database, providerId: string, next: string, now = new Date()): Promise<BeginResult> {
	let found;
	try {
		found = await configurationOf(db, providerId);
	} catch (error) {
		log.warn('sso.discovery_failed', { providerId, ...errorFields(error) });
		return { ok: false, reason: 'provider_unreachable' };
	}
	if (!found) return { ok: false, reason: 'unknown_provider' };
	const codeVerifier = client.randomPKCECodeVerifier();
	const state = client.randomState();
	const nonce = client.randomNonce();
	const token = generateToken();
	await deleteExpiredAttempts(db, now);
	await db.insert(ssoAttempts).values({
		tokenHash: hashToken(token),
		providerId,
		state,
		nonce,
		codeVerifier,
		next,
		expiresAt: new Date(now.getTime() + ATTEMPT_TTL_MS)
	});
	const url = client.buildAuthorizationUrl(found.configuration, {
		redirect_uri: callbackUrl(),
		scope: 'openid email',
		code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
		code_challenge_method: 'S256',
		state,
		nonce
	});
	return { ok: true, token, url: url.href };
}

/** Sign-ins abandoned at the provider (on each new one, and by the retention job). */
export async function deleteExpiredAttempts(db: Database, now = new Date()): Promise<number> {
	return (await db.delete(ssoAttempts).where(lt(ssoAttempts.expiresAt, now)).returning({ tokenHash: ssoAttempts.tokenHash })).length;
}

export type FinishResult = { ok: true; userId: string; next: string; hasSecondFactor: boolean } | { ok: false; reason: SsoFailure };

/**
 * Ends a sign-in at the callback. The attempt is used up first, so a replayed callback (the
 * same code and state again) finds nothing, whatever the provider would say to the code.
 */
export async function finish(db: Database, token: string | undefined, search: string, ip: string | null, now = new Date()): Promise<FinishResult> {
	const [attempt] = token ? await db.delete(ssoAttempts).where(eq(ssoAttempts.tokenHash, hashToken(token))).returning() : [];
	if (!attempt || attempt.expiresAt <= now) return fail(db, 'expired', ip);
	let found;
	try {
		found = await configurationOf(db, attempt.providerId);
	} catch {
		return fail(db, 'provider_unreachable', ip);
	}
	if (!found) return fail(db, 'expired', ip);
	let identity;
	try {
		const tokens = await client.authorizationCodeGrant(found.configuration, new URL(`${callbackUrl()}${search}`), {
			pkceCodeVerifier: attempt.codeVerifier,
			expectedState: attempt.state,
			expectedNonce: attempt.nonce,
			idTokenExpected: true
		});
		const claims = tokens.claims()!;
		// Providers that follow OIDC Core 5.4 strictly put e-mail claims only in UserInfo.
		const info = claims.email === undefined ? await client.fetchUserInfo(found.configuration, tokens.access_token, claims.sub) : claims;
		identity = { subject: claims.sub, email: typeof info.email === 'string' ? info.email : null, emailVerified: info.email_verified === true };
	} catch (error) {
		log.warn('sso.rejected', { providerId: attempt.providerId, ...errorFields(error) });
		return fail(db, 'rejected', ip);
	}
	const matched = await matchStaff(db, found.provider, identity);
	if (!matched.ok) return fail(db, matched.reason, ip, matched.userId);
	await securityLog.record(db, { event: 'sso_login_success', userId: matched.userId, ip });
	return { ok: true, userId: matched.userId, next: attempt.next, hasSecondFactor: matched.hasSecondFactor };
}

async function fail(db: Database, reason: SsoFailure, ip: string | null, userId: string | null = null): Promise<FinishResult> {
	await securityLog.record(db, { event: 'sso_login_failure', userId, ip });
	return { ok: false, reason };
}
