import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { TransactionRollbackError } from 'drizzle-orm/errors';
import { config } from '../config';
import type { Database } from '../db/client';
import { invitations, memberships, schools, users, type StaffRole } from '../db/schema';
import * as securityLog from '../security-log';
import { normaliseEmail } from './login';
import { hashPassword, passwordProblem, verifyPassword, type PasswordProblem } from './passwords';
import { generateToken, hashToken } from './tokens';

/**
 * Single-use invitation links for a role in a school. Only the token's hash is stored, so the
 * link exists only in the mail (or with the staff member who passes it on).
 */

export interface NewInvitation {
	email: string;
	schoolId: string;
	role: StaffRole;
	/** Who invited; the table has no column for it, so it is checked by the caller's policy only. */
	inviterId: string;
	origin: string;
}

/** Stores the invitation (replacing a pending one for the same address, school and role); returns the link. */
export async function create(db: Database, input: NewInvitation, now = new Date()): Promise<string> {
	const token = generateToken();
	const email = normaliseEmail(input.email);
	const expiresAt = new Date(now.getTime() + config().INVITATION_TTL_HOURS * 3_600_000);
	await db.transaction(async (tx) => {
		await tx
			.delete(invitations)
			.where(and(eq(invitations.email, email), eq(invitations.schoolId, input.schoolId), eq(invitations.role, input.role)));
		await tx.insert(invitations).values({ tokenHash: hashToken(token), email, schoolId: input.schoolId, role: input.role, expiresAt });
	});
	return `${input.origin}/invite/${token}`;
}

export interface InvitationDetails {
	email: string;
	schoolId: string;
	schoolName: string;
	role: StaffRole;
	expiresAt: Date;
	/** The address already has an account: accepting then only adds the role. */
	hasAccount: boolean;
}

/** The invitation behind a link, or null when the link is unknown, used or expired. */
export async function find(db: Database, token: string, now = new Date()): Promise<InvitationDetails | null> {
	const [row] = await db
		.select({
			email: invitations.email,
			schoolId: invitations.schoolId,
			schoolName: schools.name,
			role: invitations.role,
			expiresAt: invitations.expiresAt,
			userId: users.id
		})
		.from(invitations)
		.innerJoin(schools, eq(schools.id, invitations.schoolId))
		.leftJoin(users, eq(sql`lower(${users.email})`, invitations.email))
		.where(and(eq(invitations.tokenHash, hashToken(token)), gt(invitations.expiresAt, now)));
	if (!row) return null;
	const { userId, ...details } = row;
	return { ...details, hasAccount: userId !== null };
}

export interface Acceptance {
	/** The new account's password, or the existing account's password as proof of ownership. */
	password: string;
	firstName?: string;
	lastName?: string;
}

export type AcceptResult =
	| { ok: true; userId: string; newAccount: boolean }
	| { ok: false; reason: 'invalid_link' | 'wrong_password' | 'account_exists' | PasswordProblem };

/**
 * Accepts an invitation once: the row is deleted in the same transaction that creates the
 * account or membership, so of two concurrent accepts only one finds it.
 */
export async function accept(db: Database, token: string, input: Acceptance, ip: string | null, now = new Date()): Promise<AcceptResult> {
	const invitation = await find(db, token, now);
	if (!invitation) return { ok: false, reason: 'invalid_link' };
	const [existing] = await db
		.select({ id: users.id, passwordHash: users.passwordHash, deactivatedAt: users.deactivatedAt })
		.from(users)
		.where(eq(sql`lower(${users.email})`, invitation.email));
	let passwordHash: string | null = null;
	if (existing) {
		// A deactivated account gets the same answer as a wrong password, as at login.
		const valid = await verifyPassword(existing.passwordHash, input.password);
		if (!valid || existing.deactivatedAt) return { ok: false, reason: 'wrong_password' };
	} else {
		const problem = passwordProblem(input.password);
		if (problem) return { ok: false, reason: problem };
		passwordHash = await hashPassword(input.password);
	}
	try {
		return await db.transaction(async (tx) => {
			const used = await tx
				.delete(invitations)
				.where(and(eq(invitations.tokenHash, hashToken(token)), gt(invitations.expiresAt, now)))
				.returning({ email: invitations.email });
			if (used.length === 0) return { ok: false, reason: 'invalid_link' } as const;
			let userId = existing?.id;
			if (!userId) {
				const [created] = await tx
					.insert(users)
					.values({
						email: invitation.email,
						passwordHash: passwordHash!,
						firstName: input.firstName || null,
						lastName: input.lastName || null
					})
					.onConflictDoNothing()
					.returning({ id: users.id });
				// Another invitation made an account for this address meanwhile: keep this link usable.
				if (!created) tx.rollback();
				userId = created!.id;
			}
			await tx.insert(memberships).values({ userId, schoolId: invitation.schoolId, role: invitation.role }).onConflictDoNothing();
			await securityLog.record(tx, { event: 'invitation_accepted', userId, ip });
			return { ok: true, userId, newAccount: !existing } as const;
		});
	} catch (error) {
		if (error instanceof TransactionRollbackError) return { ok: false, reason: 'account_exists' };
		throw error;
	}
}

/** Removes invitations past their expiry (retention); returns how many. */
export async function deleteExpired(db: Database, now = new Date()): Promise<number> {
	const deleted = await db.delete(invitations).where(lt(invitations.expiresAt, now)).returning({ tokenHash: invitations.tokenHash });
	return deleted.length;
}
