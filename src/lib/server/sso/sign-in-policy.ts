import { and, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { identityProviders, memberships, schools } from '../db/schema';
import * as securityLog from '../security-log';

/** How a school's staff sign in: through its provider only, and who needs a second factor. */

export interface SignInSettings {
	requireSso: boolean;
	leadersNeedSecondFactor: boolean;
}

export async function settingsOf(db: Database, schoolId: string): Promise<SignInSettings | null> {
	const [row] = await db
		.select({ requireSso: schools.requireSso, leadersNeedSecondFactor: schools.leadersNeedSecondFactor })
		.from(schools)
		.where(eq(schools.id, schoolId));
	return row ?? null;
}

export type SettingsResult = { ok: true } | { ok: false; reason: 'no_provider' };

/** "Require single sign-on" needs a provider to sign in with, or nobody but admins could. */
export async function update(db: Database, schoolId: string, settings: SignInSettings, actorId: string, ip: string | null): Promise<SettingsResult> {
	return db.transaction(async (tx) => {
		if (settings.requireSso) {
			const providers = await tx.select({ id: identityProviders.id }).from(identityProviders).where(eq(identityProviders.schoolId, schoolId)).limit(1);
			if (providers.length === 0) return { ok: false, reason: 'no_provider' } as const;
		}
		await tx.update(schools).set(settings).where(eq(schools.id, schoolId));
		await securityLog.record(tx, { event: 'sign_in_settings_changed', userId: actorId, actorId, ip });
		return { ok: true } as const;
	});
}

/**
 * True when the staff member may not log in with a password or a passkey: a school of theirs requires
 * single sign-on and they are not its admin. Admins keep the password (with their second
 * factor) as the break-glass path for when the provider is down or misconfigured.
 */
export async function mustUseSso(db: Database, userId: string): Promise<boolean> {
	const isAdminThere = db
		.select({ one: sql`1` })
		.from(memberships)
		.where(and(eq(memberships.userId, userId), eq(memberships.schoolId, schools.id), eq(memberships.role, 'admin')));
	const rows = await db
		.select({ one: sql`1` })
		.from(memberships)
		.innerJoin(schools, eq(schools.id, memberships.schoolId))
		.where(and(eq(memberships.userId, userId), eq(schools.requireSso, true), ne(memberships.role, 'admin'), sql`not exists ${isAdminThere}`))
		.limit(1);
	return rows.length > 0;
}
