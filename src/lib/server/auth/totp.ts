import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding, encodeBase32NoPadding, encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { Database } from '../db/client';
import { totpRecoveryCodes, users } from '../db/schema';
import * as securityLog from '../security-log';
import { hashToken } from './tokens';

/** TOTP second factor (RFC 6238: 30 s, 6 digits) with single-use recovery codes. */

const PERIOD_S = 30;
const DIGITS = 6;
/** One step either side, for phones whose clock is a little off. */
const GRACE_S = 30;
const RECOVERY_CODE_COUNT = 10;

export function generateKey(): string {
	const key = new Uint8Array(20);
	crypto.getRandomValues(key);
	return encodeBase32NoPadding(key);
}

/** The enrolment QR code as an inline SVG, rendered on the server (nothing leaves the origin). */
export function enrolmentQrSvg(key: string, accountName: string): Promise<string> {
	const uri = createTOTPKeyURI('LesSpiegel', accountName, decodeBase32IgnorePadding(key), PERIOD_S, DIGITS);
	return QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

/** The time step (RFC 6238's counter) whose code this is, within the grace period; null if none. */
export function matchingStep(key: string, code: string, now = Date.now()): number | null {
	const digits = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(digits)) return null;
	const secret = decodeBase32IgnorePadding(key);
	const first = Math.floor((now - GRACE_S * 1000) / (PERIOD_S * 1000));
	const last = Math.floor((now + GRACE_S * 1000) / (PERIOD_S * 1000));
	for (let step = first; step <= last; step++) if (verifyHOTP(secret, BigInt(step), DIGITS, digits)) return step;
	return null;
}

/**
 * Records `step` as used, atomically: true only for the first use of a step later than any
 * used before, so a code seen over a shoulder or in a proxy log cannot be replayed (ASVS 2.8.4).
 */
async function useStep(db: Pick<Database, 'update'>, userId: string, step: number): Promise<boolean> {
	const used = await db
		.update(users)
		.set({ totpLastStep: step })
		.where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
		.returning({ id: users.id });
	return used.length === 1;
}

function newRecoveryCode(): string {
	const bytes = new Uint8Array(8);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes).slice(0, 12);
}

/**
 * Stores the confirmed key and returns fresh recovery codes, shown to the user once. `step`
 * is the step of the code that confirmed it, used up with it.
 */
export async function enable(db: Database, userId: string, key: string, step: number | null, ip: string | null): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
	await db.transaction(async (tx) => {
		await tx.update(users).set({ totpKey: key, totpLastStep: step }).where(eq(users.id, userId));
		await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, userId));
		await tx.insert(totpRecoveryCodes).values(codes.map((code) => ({ userId, codeHash: hashToken(code) })));
		await securityLog.record(tx, { event: 'totp_enabled', userId, ip });
	});
	return codes;
}

export async function disable(db: Database, userId: string, ip: string | null): Promise<void> {
	await db.transaction(async (tx) => {
		await tx.update(users).set({ totpKey: null, totpLastStep: null }).where(eq(users.id, userId));
		await tx.delete(totpRecoveryCodes).where(eq(totpRecoveryCodes.userId, userId));
		await securityLog.record(tx, { event: 'totp_disabled', userId, ip });
	});
}

/** Checks a code from the app, used once only, or else a recovery code, which is then used up. */
export async function verifySecondFactor(db: Database, userId: string, input: string, ip: string | null): Promise<boolean> {
	const [user] = await db.select({ totpKey: users.totpKey }).from(users).where(eq(users.id, userId));
	if (!user?.totpKey) return false;
	const step = matchingStep(user.totpKey, input);
	if (step !== null) return useStep(db, userId, step);
	const used = await db
		.delete(totpRecoveryCodes)
		.where(and(eq(totpRecoveryCodes.userId, userId), eq(totpRecoveryCodes.codeHash, hashToken(input.trim().toLowerCase()))))
		.returning({ userId: totpRecoveryCodes.userId });
	if (used.length === 0) return false;
	await securityLog.record(db, { event: 'recovery_code_used', userId, ip });
	return true;
}
