import type { Handle, RequestEvent } from '@sveltejs/kit';
import { redirect } from '@sveltejs/kit';
import { secondFactorRequired } from '../auth/second-factor-policy';
import * as setup from '../auth/setup';
import { sessionLimits } from '../auth/limits';
import { deleteSessionCookie, sessionCookieName, setSessionCookie } from '../auth/session-cookie';
import { validateSessionToken } from '../auth/sessions';
import { database } from '../db';
import * as memberships from '../org/memberships';
import { localizeHref } from '$lib/paraglide/runtime';
import { servedOverHttps } from './secure-request';

/**
 * Staff routes live in the `(staff)` route group, split by what they need:
 *   (public)   login, setup, invitation and reset links: no session
 *   (pending)  second-factor check and enrolment, logout: a session, second factor pending
 *   (app)      everything else: a complete session
 * Student routes never reach the cookie code below (PRIVACY.md S1: read no cookie).
 */
export function staffArea(routeId: string | null): 'public' | 'pending' | 'app' | null {
	if (!routeId?.startsWith('/(staff)/')) return null;
	if (routeId.startsWith('/(staff)/(public)')) return 'public';
	if (routeId.startsWith('/(staff)/(pending)')) return 'pending';
	return 'app';
}

async function loadSession(event: RequestEvent): Promise<Pick<App.Locals, 'user' | 'session'>> {
	const secure = servedOverHttps();
	const token = event.cookies.get(sessionCookieName(secure));
	if (!token) return { user: null, session: null };
	const db = database();
	const result = await validateSessionToken(db, token, sessionLimits());
	if (!result) {
		deleteSessionCookie(event.cookies, secure);
		return { user: null, session: null };
	}
	setSessionCookie(event.cookies, token, result.session.expiresAt, secure);
	const roles = await memberships.ofUser(db, result.user.id);
	return { session: result.session, user: { ...result.user, memberships: roles, secondFactorRequired: secondFactorRequired(roles) } };
}

/** Once setup is done it stays done (the setup page is gone for good), so remember it. */
let setupDone = false;

async function setupIsDone(): Promise<boolean> {
	setupDone ||= await setup.isComplete(database());
	return setupDone;
}

export const staffAuth: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const area = staffArea(event.route.id);
	if (!area) return resolve(event);

	event.setHeaders({ 'Cache-Control': 'no-store' });
	const onSetup = event.route.id === '/(staff)/(public)/setup';
	if (!onSetup && !(await setupIsDone())) redirect(303, localizeHref('/setup'));
	const { user, session } = await loadSession(event);
	event.locals.user = user;
	event.locals.session = session;
	if (area !== 'public' && (!user || !session)) {
		redirect(303, localizeHref(`/login?next=${encodeURIComponent(event.url.pathname)}`));
	}
	if (area === 'app' && user && session) {
		if (user.hasSecondFactor && !session.twoFactorVerified) redirect(303, localizeHref('/login/two-factor'));
		// ASVS level 2: admins (and leaders, where the school asks) set up a second factor first.
		if (!user.hasSecondFactor && user.secondFactorRequired) redirect(303, localizeHref('/two-factor/setup'));
	}
	return resolve(event);
};
