import type { RequestEvent } from '@sveltejs/kit';
import { sessionLimits } from '../auth/limits';
import { setSessionCookie } from '../auth/session-cookie';
import { createSession } from '../auth/sessions';
import { config } from '../config';
import { database } from '../db';
import { sameOriginPath } from './same-origin-path';
import { servedOverHttps } from './secure-request';

/** Starts a staff session and sets its cookie. */
export async function startStaffSession(event: RequestEvent, userId: string, twoFactorVerified: boolean): Promise<void> {
	const { token, session } = await createSession(database(), userId, sessionLimits(), twoFactorVerified);
	setSessionCookie(event.cookies, token, session.expiresAt, servedOverHttps());
}

/** Where to go after logging in (`?next=`): a path on this site, never another origin. */
export function safeNext(next: string | null, fallback: string): string {
	return sameOriginPath(next, config().ORIGIN) ?? fallback;
}

/** The staff member's IP address, for the security log only (never for student routes). */
export function staffIp(event: RequestEvent): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}
