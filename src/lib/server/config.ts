import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once at start-up; a bad value stops the server
 * with one line naming the variable and what is allowed.
 */

// 0 picks any free port (the test harnesses use it).
const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
		.optional(),
	// Only for `npm run cli -- move-to-postgres`: the PostgreSQL database to move to.
	TARGET_DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
		.optional(),
	DATA_DIR: z.string().min(1).default('./data'),
	MIGRATIONS_DIR: z.string().min(1).default('./drizzle'),
	PORT: port.default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	// adapter-node's own variables, validated here so a typo stops the server with a clear line.
	// ORIGIN is the one public address: every link the server builds (join URL, QR code, mails)
	// and every redirect check uses it, never the request's Host or X-Forwarded-Host.
	ORIGIN: z
		.url({ protocol: /^https?$/ })
		.refine((value) => URL.canParse(value) && new URL(value).href === `${new URL(value).origin}/`, 'must be an origin only, e.g. https://lesspiegel.school.nl')
		.transform((value) => new URL(value).origin)
		.optional(),
	ADDRESS_HEADER: z.string().regex(/^[a-z0-9-]+$/i, 'must be a header name').toLowerCase().optional(),
	XFF_DEPTH: z.coerce.number().int().min(1).max(20).default(1),
	DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
	LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
	// Seconds to let in-flight requests finish on SIGTERM.
	SHUTDOWN_TIMEOUT: z.coerce.number().int().min(1).max(9).default(5),
	// Staff sessions: NIST 800-63B AAL2 (which ASVS 5.0 level 2 follows): re-authenticate
	// after 12 hours, and after 30 minutes without activity.
	SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24).default(12),
	SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(720).default(30),
	INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(336).default(72),
	PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
	// PRIVACY.md: security log kept 180 days by default; deactivated accounts deleted within
	// 12 months at most.
	SECURITY_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
	DEACTIVATED_ACCOUNT_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(365),
	// Login attempts allowed per IP address and per account in the window (per instance).
	LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(3).max(1000).default(10),
	LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
	// The batch writer (PRIVACY.md S6): how long a submission waits for others, the largest
	// batch, and how many batches may be written at once.
	BATCH_WINDOW_MS: z.coerce.number().int().min(1).max(1000).default(10),
	BATCH_MAX_SIZE: z.coerce.number().int().min(1).max(5000).default(64),
	BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(1),
	// How far V8 lets the heap grow past what is live before a full collection, in percent;
	// 0 leaves it to V8 (about 300 on a large machine). docs/performance.md has the trade.
	HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(1000).default(100),
	// Joins allowed per IP address per minute (in memory, per instance, never logged).
	JOIN_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(120),
	// Daily backups written by the server (backup/schedule.ts); unset: none.
	BACKUP_DIR: z.string().min(1).optional(),
	BACKUP_KEEP: z.coerce.number().int().min(1).max(365).default(14),
	// Encrypts the client secrets of schools' identity providers (sso/secret-box.ts): 32 random
	// bytes in base64url, e.g. `openssl rand -base64 32 | tr '+/' '-_' | tr -d '='`.
	SSO_SECRET_KEY: z
		.string()
		.regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url (43 characters)')
		.optional(),
	// Seals the answers held back until they can be written with others of their round (PRIVACY.md
	// S6, rounds/pool-key.ts): 32 random bytes in base64url. Unset: a key file in DATA_DIR.
	ANSWER_POOL_KEY: z
		.string()
		.regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url (43 characters)')
		.optional(),
	SMTP_URL: z
		.string()
		.regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
		.optional(),
	MAIL_FROM: z.email('must be an e-mail address').default('noreply@lesspiegel.invalid')
});

/** Every variable the server reads (for .env.example's test). */
export const configVariables: readonly string[] = Object.keys(schema.shape);

/** ORIGIN is always set once parsed: unset, it is the address `npm start` and server.js serve. */
export type Config = z.infer<typeof schema> & { ORIGIN: string };

/** Values that are or may carry a secret: never echoed in an error. */
const secret = new Set(['DATABASE_URL', 'TARGET_DATABASE_URL', 'SMTP_URL', 'SSO_SECRET_KEY', 'ANSWER_POOL_KEY']);

export class ConfigError extends Error {}

/** Empty strings count as unset, as in most shells' `VAR= cmd`. */
function withoutEmpty(env: Record<string, string | undefined>) {
	return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

/** The origin server.js and `npm start` serve when ORIGIN is unset. */
function defaultOrigin(port: number): string {
	return `http://localhost:${port}`;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
	const given = withoutEmpty(env);
	// adapter-node would take the origin from this header and the request's Host, which any
	// client sets: links and redirects built from it could point anywhere.
	if (given.PROTOCOL_HEADER !== undefined && given.ORIGIN === undefined) {
		throw new ConfigError(
			`Invalid configuration: PROTOCOL_HEADER=${JSON.stringify(given.PROTOCOL_HEADER)}: not read; set ORIGIN to the public address instead, e.g. ORIGIN=https://lesspiegel.school.nl`
		);
	}
	const result = schema.safeParse(given);
	if (result.success) {
		const c = result.data;
		return {
			...c,
			ORIGIN: c.ORIGIN ?? defaultOrigin(c.PORT),
			DATA_DIR: path.resolve(c.DATA_DIR),
			MIGRATIONS_DIR: path.resolve(c.MIGRATIONS_DIR),
			BACKUP_DIR: c.BACKUP_DIR && path.resolve(c.BACKUP_DIR)
		};
	}
	const issue = result.error.issues[0]!;
	const name = String(issue.path[0]);
	const shown = secret.has(name) ? '(hidden)' : JSON.stringify(env[name]);
	throw new ConfigError(`Invalid configuration: ${name}=${shown}: ${issue.message}`);
}

let current: Config | undefined;

export function config(): Config {
	current ??= parseConfig(process.env);
	return current;
}
