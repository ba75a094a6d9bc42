import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { identityProviders, schools } from '../db/schema';
import { isId } from '../org/groups';
import * as securityLog from '../security-log';
import { seal } from './secret-box';

/** A school's OpenID Connect providers, as its admin configures them. */

export interface ProviderInput {
	name: string;
	issuer: string;
	clientId: string;
	/** Empty: a public client (PKCE only), for providers that allow it. */
	clientSecret: string;
	allowedDomains: string[];
}

/** What the admin page and the login page show: never the secret. */
export function listForSchool(db: Database, schoolId: string) {
	return db
		.select({ id: identityProviders.id, name: identityProviders.name, issuer: identityProviders.issuer, clientId: identityProviders.clientId, allowedDomains: identityProviders.allowedDomains })
		.from(identityProviders)
		.where(eq(identityProviders.schoolId, schoolId))
		.orderBy(asc(identityProviders.createdAt));
}

/** Every provider with its school's name: the buttons of the login page. */
export function listForLogin(db: Database) {
	return db
		.select({ id: identityProviders.id, name: identityProviders.name, schoolName: schools.name })
		.from(identityProviders)
		.innerJoin(schools, eq(schools.id, identityProviders.schoolId))
		.orderBy(asc(schools.name), asc(identityProviders.createdAt));
}

/** The provider with its sealed secret, for the protocol code only. */
export async function find(db: Database, providerId: string) {
	if (!isId(providerId)) return null;
	const [provider] = await db.select().from(identityProviders).where(eq(identityProviders.id, providerId));
	return provider ?? null;
}

export async function add(db: Database, schoolId: string, input: ProviderInput, actorId: string, ip: string | null): Promise<string> {
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(identityProviders)
			.values({
				schoolId,
				name: input.name,
				issuer: input.issuer,
				clientId: input.clientId,
				clientSecret: input.clientSecret ? seal(input.clientSecret) : null,
				allowedDomains: input.allowedDomains
			})
			.returning({ id: identityProviders.id });
		await securityLog.record(tx, { event: 'sign_in_settings_changed', userId: actorId, actorId, ip });
		return row!.id;
	});
}

/** False when the school has no such provider. Removing the last one also ends "SSO required". */
export async function remove(db: Database, schoolId: string, providerId: string, actorId: string, ip: string | null): Promise<boolean> {
	if (!isId(providerId)) return false;
	return db.transaction(async (tx) => {
		const removed = await tx
			.delete(identityProviders)
			.where(and(eq(identityProviders.id, providerId), eq(identityProviders.schoolId, schoolId)))
			.returning({ id: identityProviders.id });
		if (removed.length === 0) return false;
		const left = await tx.select({ id: identityProviders.id }).from(identityProviders).where(eq(identityProviders.schoolId, schoolId)).limit(1);
		if (left.length === 0) await tx.update(schools).set({ requireSso: false }).where(eq(schools.id, schoolId));
		await securityLog.record(tx, { event: 'sign_in_settings_changed', userId: actorId, actorId, ip });
		return true;
	});
}
