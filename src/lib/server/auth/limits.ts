import { config } from '../config';
import type { SessionLimits } from './sessions';
import { RateLimiter } from './rate-limit';
import type { LoginLimiters } from './login';

/** The server's login limiters (per instance, see rate-limit.ts) and session limits from config. */
let loginLimiters: LoginLimiters | undefined;

export function serverLoginLimiters(): LoginLimiters {
	const cfg = config();
	const windowMs = cfg.LOGIN_WINDOW_MINUTES * 60_000;
	loginLimiters ??= {
		perIp: new RateLimiter(cfg.LOGIN_MAX_ATTEMPTS, windowMs),
		perAccount: new RateLimiter(cfg.LOGIN_MAX_ATTEMPTS, windowMs)
	};
	return loginLimiters;
}

export function sessionLimits(): SessionLimits {
	const cfg = config();
	return { absoluteMs: cfg.SESSION_ABSOLUTE_HOURS * 3_600_000, idleMs: cfg.SESSION_IDLE_MINUTES * 60_000 };
}

/**
 * "Forgot password" requests per IP, with the login settings: each one may send a mail, so
 * this keeps the form from being used to flood mailboxes.
 */
let forgotPasswordLimiter: RateLimiter | undefined;

export function serverForgotPasswordLimiter(): RateLimiter {
	const cfg = config();
	forgotPasswordLimiter ??= new RateLimiter(cfg.LOGIN_MAX_ATTEMPTS, cfg.LOGIN_WINDOW_MINUTES * 60_000);
	return forgotPasswordLimiter;
}
