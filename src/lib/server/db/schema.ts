import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	check,
	index,
	integer,
	pgEnum,
	pgTable,
	primaryKey,
	smallint,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';

/*
 * Every column here is on PRIVACY.md's list or holds no personal data at all; the schema
 * audit test (tests/integration/schema-audit.test.ts) fails on anything it does not know.
 * There is no table for students, ever.
 */

const at = (name: string) => timestamp(name, { withTimezone: true });

/** PRIVACY.md S4: no aggregate of fewer than k answers is shown; a school may raise k, never below this. */
export const MIN_GROUP_SIZE = 5;

/** A school: the controller in the processor agreement. `minGroupSize` is its k. */
export const schools = pgTable(
	'schools',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		minGroupSize: integer('min_group_size').notNull().default(MIN_GROUP_SIZE),
		createdAt: at('created_at').notNull().defaultNow()
	},
	(t) => [check('schools_min_group_size_at_least_5', sql`${t.minGroupSize} >= ${sql.raw(String(MIN_GROUP_SIZE))}`)]
);

export const staffRoles = ['admin', 'school_leader', 'care_coordinator', 'teacher'] as const;
export type StaffRole = (typeof staffRoles)[number];
export const staffRole = pgEnum('staff_role', staffRoles);

/** Staff only: business e-mail, optional name, and login data (PRIVACY.md, staff data). */
export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		email: text('email').notNull(),
		firstName: text('first_name'),
		lastName: text('last_name'),
		passwordHash: text('password_hash').notNull(),
		/** Base32 TOTP key, set once the user confirmed an authenticator app. */
		totpKey: text('totp_key'),
		/** Set when deactivated; the retention job deletes the account after the configured period. */
		deactivatedAt: at('deactivated_at')
	},
	(t) => [uniqueIndex('users_email_unique').on(sql`lower(${t.email})`)]
);

/** Staff login sessions (the Lucia guide): only the SHA-256 of the token is stored. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: at('created_at').notNull(),
		lastActiveAt: at('last_active_at').notNull(),
		expiresAt: at('expires_at').notNull(),
		twoFactorVerified: boolean('two_factor_verified').notNull().default(false)
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

export const totpRecoveryCodes = pgTable(
	'totp_recovery_codes',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.codeHash] })]
);

/** A role of a staff member in a school; one person may hold several, in several schools. */
export const memberships = pgTable(
	'memberships',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		schoolId: uuid('school_id')
			.notNull()
			.references(() => schools.id, { onDelete: 'cascade' }),
		role: staffRole('role').notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.schoolId, t.role] }), index('memberships_school_idx').on(t.schoolId)]
);

/** A class or teaching group ("Groep 7", "3 havo B"). There is no student list, ever. */
export const groups = pgTable(
	'groups',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		schoolId: uuid('school_id')
			.notNull()
			.references(() => schools.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		yearLevel: smallint('year_level')
	},
	(t) => [
		uniqueIndex('groups_school_name_unique').on(t.schoolId, sql`lower(${t.name})`),
		check('groups_year_level_range', sql`${t.yearLevel} between 1 and 15`)
	]
);

export const groupTeachers = pgTable(
	'group_teachers',
	{
		groupId: uuid('group_id')
			.notNull()
			.references(() => groups.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_teachers_user_idx').on(t.userId)]
);

/** Single-use invitation links; only the token's hash is stored. */
export const invitations = pgTable('invitations', {
	tokenHash: text('token_hash').primaryKey(),
	email: text('email').notNull(),
	schoolId: uuid('school_id')
		.notNull()
		.references(() => schools.id, { onDelete: 'cascade' }),
	role: staffRole('role').notNull(),
	expiresAt: at('expires_at').notNull()
});

/** Single-use password-reset links; only the token's hash is stored. */
export const passwordResets = pgTable('password_resets', {
	tokenHash: text('token_hash').primaryKey(),
	userId: uuid('user_id')
		.notNull()
		.references(() => users.id, { onDelete: 'cascade' }),
	expiresAt: at('expires_at').notNull()
});

export const securityEvents = [
	'login_success',
	'login_failure',
	'logout',
	'password_change',
	'password_reset',
	'invitation_accepted',
	'role_change',
	'account_deactivated',
	'account_reactivated',
	'totp_enabled',
	'totp_disabled',
	'recovery_code_used'
] as const;
export type SecurityEvent = (typeof securityEvents)[number];
export const securityEvent = pgEnum('security_event', securityEvents);

/**
 * The processor agreement's "technical login and security data": time, event, IP and the
 * staff member concerned (none for a failed login of an unknown address, whose typed
 * address is not stored). `actorId` is who did it when that is someone else (a role change).
 */
export const securityLog = pgTable(
	'security_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		at: at('at').notNull().defaultNow(),
		event: securityEvent('event').notNull(),
		userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
		actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
		ip: text('ip')
	},
	(t) => [index('security_log_user_idx').on(t.userId), index('security_log_at_idx').on(t.at)]
);
