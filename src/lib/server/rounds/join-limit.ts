import { createHash, randomBytes } from 'node:crypto';
import { RateLimiter } from '../auth/rate-limit';
import { config } from '../config';

/**
 * Joining is rate limited per IP address to make guessing join codes slow. The address is
 * only a key in memory, salted and hashed with a secret that lives as long as the process,
 * never stored or logged (PRIVACY.md S1).
 */
const salt = randomBytes(16);
let limiter: RateLimiter | undefined;

export function allowJoin(ip: string): boolean {
	limiter ??= new RateLimiter(config().JOIN_MAX_PER_MINUTE, 60_000);
	return limiter.consume(createHash('sha256').update(salt).update(ip).digest('base64'));
}
