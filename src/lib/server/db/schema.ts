import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	boolean,
	check,
	index,
	jsonb,
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
		/** Staff sign in only through the school's identity provider; admins keep a password (break-glass). */
		requireSso: boolean('require_sso').notNull().default(false),
		/** School leaders need a second factor too (ASVS level 2); admins always do. */
		leadersNeedSecondFactor: boolean('leaders_need_second_factor').notNull().default(true),
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
		/** The last TOTP time step accepted, so that a code cannot be used twice. */
		totpLastStep: bigint('totp_last_step', { mode: 'number' }),
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
		yearLevel: smallint('year_level'),
		/** How many students the group has: a round's default cap, and what a padded count is measured against. */
		size: smallint('size')
	},
	(t) => [
		uniqueIndex('groups_school_name_unique').on(t.schoolId, sql`lower(${t.name})`),
		check('groups_year_level_range', sql`${t.yearLevel} between 1 and 15`),
		check('groups_size_range', sql`${t.size} between 1 and 200`)
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

/**
 * An OpenID Connect provider of a school (Entra ID, Google Workspace, SURFconext). The client
 * secret is stored encrypted with SSO_SECRET_KEY (sso/secret-box.ts), never in the clear.
 */
export const identityProviders = pgTable(
	'identity_providers',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		schoolId: uuid('school_id')
			.notNull()
			.references(() => schools.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		issuer: text('issuer').notNull(),
		clientId: text('client_id').notNull(),
		clientSecret: text('client_secret'),
		allowedDomains: text('allowed_domains').array().notNull(),
		createdAt: at('created_at').notNull().defaultNow()
	},
	(t) => [index('identity_providers_school_idx').on(t.schoolId)]
);

/** Which account a provider's subject signs in to: the only single sign-on data kept (PRIVACY.md). */
export const staffIdentities = pgTable(
	'staff_identities',
	{
		providerId: uuid('provider_id')
			.notNull()
			.references(() => identityProviders.id, { onDelete: 'cascade' }),
		subject: text('subject').notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.providerId, t.subject] }), index('staff_identities_user_idx').on(t.userId)]
);

/** A sign-in at a provider under way (minutes): the browser holds the token, this its hash. */
export const ssoAttempts = pgTable('sso_attempts', {
	tokenHash: text('token_hash').primaryKey(),
	providerId: uuid('provider_id')
		.notNull()
		.references(() => identityProviders.id, { onDelete: 'cascade' }),
	state: text('state').notNull(),
	nonce: text('nonce').notNull(),
	codeVerifier: text('code_verifier').notNull(),
	next: text('next').notNull(),
	expiresAt: at('expires_at').notNull()
});

/** A staff member's passkey (WebAuthn credential): its id and public key, nothing biometric. */
export const passkeys = pgTable(
	'passkeys',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		publicKey: text('public_key').notNull(),
		counter: bigint('counter', { mode: 'number' }).notNull(),
		transports: text('transports').array().notNull(),
		createdAt: at('created_at').notNull().defaultNow()
	},
	(t) => [index('passkeys_user_idx').on(t.userId)]
);

/** A WebAuthn challenge under way (minutes), for the browser holding the token whose hash this is. */
export const passkeyChallenges = pgTable('passkey_challenges', {
	tokenHash: text('token_hash').primaryKey(),
	challenge: text('challenge').notNull(),
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
	'recovery_code_used',
	'sso_login_success',
	'sso_login_failure',
	'passkey_added',
	'passkey_removed',
	'passkey_login_success',
	'passkey_login_failure',
	'sign_in_settings_changed'
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

/*
 * Questionnaires and rounds. Student answers exist only as counters (PRIVACY.md S2): no row
 * per submission, no timestamp, no order. Ballots hold a hash and a round id, nothing else (S3).
 */

export const questionTypes = ['agree5', 'smiley3', 'smiley5', 'rating10', 'single_choice', 'multiple_choice', 'one_word'] as const;
export type QuestionType = (typeof questionTypes)[number];
export const questionType = pgEnum('question_type', questionTypes);

/** A questionnaire family: school-wide (no owner) or a teacher's own. Results compare within a family. */
export const questionnaires = pgTable(
	'questionnaires',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		schoolId: uuid('school_id')
			.notNull()
			.references(() => schools.id, { onDelete: 'cascade' }),
		/** The teacher of a personal questionnaire; null for the school's. Kept anonymous when they leave. */
		ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
		personal: boolean('personal').notNull(),
		archived: boolean('archived').notNull().default(false)
	},
	(t) => [index('questionnaires_school_idx').on(t.schoolId)]
);

/** An immutable snapshot once answered: editing an answered questionnaire makes a new version. */
export const questionnaireVersions = pgTable(
	'questionnaire_versions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		questionnaireId: uuid('questionnaire_id')
			.notNull()
			.references(() => questionnaires.id, { onDelete: 'cascade' }),
		number: integer('number').notNull(),
		titleNl: text('title_nl').notNull(),
		titleEn: text('title_en').notNull(),
		createdAt: at('created_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('questionnaire_versions_number_unique').on(t.questionnaireId, t.number)]
);

export interface ChoiceOption {
	nl: string;
	en: string;
}

export const questions = pgTable(
	'questions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		versionId: uuid('version_id')
			.notNull()
			.references(() => questionnaireVersions.id, { onDelete: 'cascade' }),
		position: smallint('position').notNull(),
		type: questionType('type').notNull(),
		promptNl: text('prompt_nl').notNull(),
		promptEn: text('prompt_en').notNull(),
		/** e.g. "safe_climate": compares across groups and over time. */
		theme: text('theme'),
		/** Choice questions only. */
		options: jsonb('options').$type<ChoiceOption[]>(),
		/**
		 * Randomized response (issue 15): each answer is replaced by chance before it is counted
		 * (on the phone, or on receipt without JavaScript), so the counters are noisy on purpose.
		 */
		randomized: boolean('randomized').notNull().default(false)
	},
	(t) => [uniqueIndex('questions_position_unique').on(t.versionId, t.position)]
);

/** A feedback round of one group on one questionnaire version. */
export const rounds = pgTable(
	'rounds',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		groupId: uuid('group_id')
			.notNull()
			.references(() => groups.id, { onDelete: 'cascade' }),
		versionId: uuid('version_id')
			.notNull()
			.references(() => questionnaireVersions.id, { onDelete: 'restrict' }),
		/** The teacher who opened it; null once that account is deleted. */
		openedBy: uuid('opened_by').references(() => users.id, { onDelete: 'set null' }),
		joinCode: text('join_code').notNull(),
		openedAt: at('opened_at').notNull().defaultNow(),
		closesAt: at('closes_at'),
		closedAt: at('closed_at'),
		/** Cap on submissions (the group size the teacher entered), or null. */
		cap: integer('cap'),
		/** Only printed one-time codes (TANs) let students in. */
		tanOnly: boolean('tan_only').notNull().default(false),
		/** Show distributions while open, in steps of at least k (S5). */
		liveResults: boolean('live_results').notNull().default(false)
	},
	(t) => [
		uniqueIndex('rounds_open_join_code_unique').on(t.joinCode).where(sql`${t.closedAt} is null`),
		index('rounds_group_idx').on(t.groupId),
		check('rounds_cap_positive', sql`${t.cap} is null or ${t.cap} > 0`)
	]
);

/** How many submissions a round has (S2: the per-round tally). */
export const roundTallies = pgTable('round_tallies', {
	roundId: uuid('round_id')
		.primaryKey()
		.references(() => rounds.id, { onDelete: 'cascade' }),
	n: integer('n').notNull().default(0),
	/** The n of the last published snapshot of a live-results round (S5); see `publishedCounts`. */
	publishedN: integer('published_n').notNull().default(0)
});

/** (round, question, choice) -> n: the only trace of an answer (S2). */
export const answerCounts = pgTable(
	'answer_counts',
	{
		roundId: uuid('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'cascade' }),
		questionId: uuid('question_id')
			.notNull()
			.references(() => questions.id, { onDelete: 'cascade' }),
		choice: text('choice').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.roundId, t.questionId, t.choice] })]
);

/**
 * S5: what staff see of an open round with live results: a copy of `answerCounts` taken by the
 * batch writer each time at least k new submissions arrived, so no single submission shows.
 * Deleted when the round closes; the final counters are the results then.
 */
export const publishedCounts = pgTable(
	'published_counts',
	{
		roundId: uuid('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'cascade' }),
		questionId: uuid('question_id')
			.notNull()
			.references(() => questions.id, { onDelete: 'cascade' }),
		choice: text('choice').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.roundId, t.questionId, t.choice] })]
);

/** Single-use ballots (S3): the hash of a random 128-bit token and its round, nothing else. */
export const ballots = pgTable(
	'ballots',
	{
		tokenHash: text('token_hash').primaryKey(),
		roundId: uuid('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'cascade' })
	},
	(t) => [index('ballots_round_idx').on(t.roundId)]
);

/** Printed one-time participation codes (S3): exchanged once for a ballot. */
export const tans = pgTable(
	'tans',
	{
		codeHash: text('code_hash').primaryKey(),
		roundId: uuid('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'cascade' })
	},
	(t) => [index('tans_round_idx').on(t.roundId)]
);

/**
 * S6 at low traffic: answers of a round that could not yet be written in a sum of at least two
 * submissions, sealed (AES-256-GCM) with a key kept outside the database (rounds/pool-key.ts),
 * so neither the tables nor the database log can read them. At most one row per round, holding
 * 1 to 3 submissions in random order; `members` is how many (never more than the tally says).
 */
export const heldAnswers = pgTable('held_answers', {
	roundId: uuid('round_id')
		.primaryKey()
		.references(() => rounds.id, { onDelete: 'cascade' }),
	sealed: text('sealed').notNull(),
	members: integer('members').notNull()
});
