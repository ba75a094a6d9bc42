import { and, eq, isNull, sql } from 'drizzle-orm';
import { hasSecondFactorColumn } from '../auth/second-factor-policy';
import type { Database } from '../db/client';
import { identityProviders, memberships, staffIdentities, users } from '../db/schema';

/**
 * Which staff account a provider's sign-in opens. Never a new one: only an account invited
 * to the provider's own school, found by a verified e-mail address of an allowed domain, and
 * from then on by the provider's subject id alone (e-mail addresses get reused, subjects not).
 */

export type SsoFailure = 'expired' | 'provider_unreachable' | 'rejected' | 'unverified_email' | 'domain_not_allowed' | 'no_account';

export interface ProviderIdentity {
	subject: string;
	email: string | null;
	emailVerified: boolean;
}

type Provider = Pick<typeof identityProviders.$inferSelect, 'id' | 'schoolId' | 'allowedDomains'>;

export type MatchResult = { ok: true; userId: string; hasSecondFactor: boolean } | { ok: false; reason: SsoFailure; userId: string | null };

/** Active staff of the school; callers add `isNull(users.deactivatedAt)` to their one where. */
function staffOfSchool(db: Database, schoolId: string) {
	return db
		.selectDistinct({ id: users.id, hasSecondFactor: hasSecondFactorColumn })
		.from(users)
		.innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.schoolId, schoolId)))
		.$dynamic();
}

function domainOf(email: string): string {
	return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

export async function matchStaff(db: Database, provider: Provider, identity: ProviderIdentity): Promise<MatchResult> {
	const [linked] = await staffOfSchool(db, provider.schoolId)
		.innerJoin(staffIdentities, and(eq(staffIdentities.userId, users.id), eq(staffIdentities.providerId, provider.id)))
		.where(and(isNull(users.deactivatedAt), eq(staffIdentities.subject, identity.subject)));
	if (linked) return { ok: true, userId: linked.id, hasSecondFactor: linked.hasSecondFactor };

	if (!identity.email || !identity.emailVerified) return { ok: false, reason: 'unverified_email', userId: null };
	const email = identity.email.trim().toLowerCase();
	if (!provider.allowedDomains.includes(domainOf(email))) return { ok: false, reason: 'domain_not_allowed', userId: null };
	const [invited] = await staffOfSchool(db, provider.schoolId).where(and(isNull(users.deactivatedAt), eq(sql`lower(${users.email})`, email)));
	if (!invited) return { ok: false, reason: 'no_account', userId: null };
	await db.insert(staffIdentities).values({ providerId: provider.id, subject: identity.subject, userId: invited.id }).onConflictDoNothing();
	return { ok: true, userId: invited.id, hasSecondFactor: invited.hasSecondFactor };
}
