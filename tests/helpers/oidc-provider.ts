import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort } from './server';

/**
 * A real OpenID Connect provider (the `oidc-provider` package, certified by the OpenID
 * Foundation) on https://127.0.0.1:PORT with a certificate made for the test and an RSA key of
 * its own. Its login page is a plain form ("which account are you?") that a test fills in,
 * in Chromium or over HTTP; consent is given at once, as a school's provider does for an
 * application its IT registered. `tamper` rewrites the next ID tokens, re-signed with the
 * provider's own key or another one, to play a provider that issues bad tokens.
 */

export interface TestAccount {
	sub: string;
	email: string;
	emailVerified: boolean;
}

export type Tamper = (claims: JWTPayload) => { claims: JWTPayload; signWithOtherKey?: boolean };

export interface TestProvider {
	issuer: string;
	/** The provider's certificate: the app trusts it through NODE_EXTRA_CA_CERTS. */
	caFile: string;
	/** A fetch that trusts the provider's certificate. */
	fetch: typeof fetch;
	accounts: Map<string, TestAccount>;
	tamper: Tamper | null;
	close(): Promise<void>;
}

export const PUBLIC_CLIENT = 'lesspiegel-public';
export const CONFIDENTIAL_CLIENT = { id: 'lesspiegel', secret: 'een geheim van de school en de leverancier' };

function certificate(dir: string) {
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
		'-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert
	], { stdio: 'ignore' });
	return { key, cert };
}

function signingKey(): { privateKey: KeyObject; jwk: Record<string, unknown> } {
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	return { privateKey, jwk: { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' } };
}

function loginPage(uid: string, accounts: Map<string, TestAccount>): string {
	const options = [...accounts.values()].map((a) => `<option value="${a.sub}">${a.email}</option>`).join('');
	return `<!doctype html><html lang="en"><head><title>Test school sign-in</title></head><body><main>
<h1>Test school sign-in</h1>
<form method="post" action="/interaction/${uid}/login">
<label for="login">Account</label> <select id="login" name="login">${options}</select>
<button type="submit">Sign in at the school</button>
</form></main></body></html>`;
}

export async function startOidcProvider(options: { redirectUris: string[]; accounts: TestAccount[] }): Promise<TestProvider> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'lesspiegel-oidc-'));
	const tls = certificate(dir);
	const port = await freePort();
	const issuer = `https://127.0.0.1:${port}`;
	const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
	const key = signingKey();
	const other = signingKey();

	const configuration: Configuration = {
		clients: [
			{ client_id: PUBLIC_CLIENT, token_endpoint_auth_method: 'none', redirect_uris: options.redirectUris, response_types: ['code'], grant_types: ['authorization_code'] },
			{ client_id: CONFIDENTIAL_CLIENT.id, client_secret: CONFIDENTIAL_CLIENT.secret, redirect_uris: options.redirectUris, response_types: ['code'], grant_types: ['authorization_code'] }
		],
		jwks: { keys: [key.jwk as never] },
		cookies: { keys: ['oidc-test-cookie-key'] },
		claims: { openid: ['sub'], email: ['email', 'email_verified'] },
		features: { devInteractions: { enabled: false } },
		interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
		async findAccount(_ctx, sub) {
			const account = accounts.get(sub);
			if (!account) return undefined;
			return { accountId: sub, claims: () => ({ sub, email: account.email, email_verified: account.emailVerified }) };
		},
		// Consent is the school's, given when its IT registered the application.
		async loadExistingGrant(ctx) {
			const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
			if (grantId) return ctx.oidc.provider.Grant.find(grantId);
			const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
			grant.addOIDCScope('openid email');
			await grant.save();
			return grant;
		}
	};
	const provider = new Provider(issuer, configuration);
	const state: Pick<TestProvider, 'tamper'> = { tamper: null };
	provider.use(async (ctx, next) => {
		await next();
		const body = ctx.body as { id_token?: string } | undefined;
		if (ctx.path !== '/token' || !state.tamper || !body?.id_token) return;
		const changed = state.tamper(decodeJwt(body.id_token));
		body.id_token = await new SignJWT(changed.claims)
			.setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
			.sign(changed.signWithOtherKey ? other.privateKey : key.privateKey);
	});

	const callback = provider.callback();
	const server = https.createServer({ key: await readFile(tls.key), cert: await readFile(tls.cert) }, async (req, res) => {
		const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
		if (!interaction) return callback(req, res);
		try {
			if (req.method === 'GET') {
				const details = await provider.interactionDetails(req, res);
				res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, accounts));
				return;
			}
			let body = '';
			for await (const chunk of req) body += chunk;
			const login = new URLSearchParams(body).get('login') ?? '';
			await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
		} catch (error) {
			res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
		}
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const agent = new Agent({ connect: { ca: await readFile(tls.cert) } });

	return {
		issuer,
		caFile: tls.cert,
		fetch: ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch,
		accounts,
		get tamper() {
			return state.tamper;
		},
		set tamper(value) {
			state.tamper = value;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			await agent.close();
			await rm(dir, { recursive: true, force: true });
		}
	};
}
