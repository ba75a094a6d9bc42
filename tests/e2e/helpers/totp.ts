import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';

const PERIOD_MS = 30_000;
const lastStep = new Map<string, number>();

/**
 * What an authenticator app shows for `key`, from a step this run has not used yet: the server
 * takes each code once (ASVS 2.8.4) and accepts the next step early, so a second login within
 * the same 30 s uses that one, and a third waits.
 */
export async function freshTotpCode(key: string): Promise<string> {
	for (;;) {
		const now = Math.floor(Date.now() / PERIOD_MS);
		const step = Math.max(now, (lastStep.get(key) ?? -Infinity) + 1);
		if (step <= now + 1) {
			lastStep.set(key, step);
			return generateHOTP(decodeBase32IgnorePadding(key), BigInt(step), 6);
		}
		await new Promise((resolve) => setTimeout(resolve, PERIOD_MS - (Date.now() % PERIOD_MS) + 50));
	}
}
