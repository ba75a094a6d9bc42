/**
 * PRIVACY.md: the only personal data is staff data, exactly the processor agreement's list,
 * and there is no table that could hold a student identifier or a per-submission record.
 * Every column of the migrated schema must appear here with the reason it may exist; a new
 * column fails the schema-audit test (and the school's privacy self-test) until someone writes
 * down why it is allowed.
 */
export const allowedColumns: Record<string, Record<string, string>> = {
	schools: {
		id: 'key',
		name: 'the school (controller), not a person',
		min_group_size: 'k of PRIVACY.md S4',
		require_sso: 'organisation: staff sign in through the school identity provider',
		leaders_need_second_factor: 'organisation: sign-in policy',
		created_at: 'when the school was added; no person'
	},
	users: {
		id: 'key',
		email: 'staff: business e-mail',
		first_name: 'staff: first name (optional)',
		last_name: 'staff: last name (optional)',
		password_hash: 'staff: login data (argon2id)',
		totp_key: 'staff: login data (second factor)',
		totp_last_step: 'staff: login data (the last TOTP step used, so a code works once)',
		deactivated_at: 'staff: needed to delete terminated accounts in time'
	},
	sessions: {
		id: 'SHA-256 of the session token',
		user_id: 'staff login data',
		created_at: 'staff login data: absolute lifetime',
		last_active_at: 'staff login data: idle timeout',
		expires_at: 'staff login data',
		two_factor_verified: 'staff login data'
	},
	totp_recovery_codes: { user_id: 'staff login data', code_hash: 'hash of a single-use recovery code' },
	memberships: { user_id: 'staff', school_id: 'staff', role: 'staff: role(s) within a school' },
	groups: {
		id: 'key',
		school_id: 'organisation',
		name: 'a class name, no person',
		year_level: 'organisation',
		size: 'organisation: how many students the group has, a number (nobody named)'
	},
	group_teachers: { group_id: 'organisation', user_id: 'staff: which teacher teaches the group' },
	invitations: {
		token_hash: 'hash of a single-use link',
		email: 'staff: business e-mail of the invited staff member',
		school_id: 'organisation',
		role: 'staff: role offered',
		expires_at: 'link expiry'
	},
	password_resets: { token_hash: 'hash of a single-use link', user_id: 'staff', expires_at: 'link expiry' },
	identity_providers: {
		id: 'key',
		school_id: 'organisation',
		name: 'label of the sign-in button, no person',
		issuer: 'the school identity provider (an organisation)',
		client_id: 'our registration at that provider, no person',
		client_secret: 'our registration at that provider, encrypted, no person',
		allowed_domains: 'e-mail domains of the school, no person',
		created_at: 'when the provider was added; no person'
	},
	staff_identities: {
		provider_id: 'staff login data: which provider',
		subject: 'staff login data: the provider subject id (issuer + subject)',
		user_id: 'staff login data'
	},
	sso_attempts: {
		token_hash: 'hash of a single-use sign-in token',
		provider_id: 'organisation',
		state: 'protocol value (OIDC state), no person',
		nonce: 'protocol value (OIDC nonce), no person',
		code_verifier: 'protocol value (PKCE), no person',
		next: 'the staff page to return to',
		expires_at: 'expiry (minutes)'
	},
	passkeys: {
		id: 'staff login data: WebAuthn credential id',
		user_id: 'staff login data',
		public_key: 'staff login data: WebAuthn public key',
		counter: 'staff login data: WebAuthn signature counter',
		transports: 'staff login data: how the browser reaches the authenticator',
		created_at: 'staff login data: when the passkey was added'
	},
	passkey_challenges: {
		token_hash: 'hash of a single-use sign-in token',
		challenge: 'protocol value (WebAuthn challenge), no person',
		expires_at: 'expiry (minutes)'
	},
	security_log: {
		id: 'key',
		at: 'staff security data: time',
		event: 'staff security data: login, logout, failed attempt, ...',
		user_id: 'staff security data: the staff member concerned',
		actor_id: 'staff security data: who made the change',
		ip: 'staff security data: IP address (staff only, never students)'
	},
	questionnaires: {
		id: 'key',
		school_id: 'organisation',
		owner_id: 'staff: the teacher of a personal questionnaire',
		personal: 'organisation',
		archived: 'organisation'
	},
	questionnaire_versions: {
		id: 'key',
		questionnaire_id: 'organisation',
		number: 'version number',
		title_nl: 'questionnaire text',
		title_en: 'questionnaire text',
		created_at: 'when the version was written (by staff), not an answer time'
	},
	questions: {
		id: 'key',
		version_id: 'organisation',
		position: 'order of questions in the questionnaire, not of answers',
		type: 'question type',
		prompt_nl: 'question text',
		prompt_en: 'question text',
		theme: 'question theme',
		options: 'choice texts',
		randomized: 'setting: answers are randomized before counting (randomized response), a property of the question'
	},
	rounds: {
		id: 'key',
		group_id: 'organisation',
		version_id: 'organisation',
		opened_by: 'staff: the teacher who opened the round',
		join_code: 'the code projected for the whole class, not per student',
		opened_at: 'when the teacher opened the round',
		closes_at: 'the teacher\'s auto-close time',
		closed_at: 'when the round closed',
		cap: 'the group size the teacher entered',
		tan_only: 'round option',
		live_results: 'round option'
	},
	round_tallies: {
		round_id: 'key',
		n: 'S2: per-round tally (a count, no order or time)',
		published_n: 'S5: the tally at the last published live snapshot (a count, changes only in steps of k)'
	},
	answer_counts: {
		round_id: 'S2: counter key',
		question_id: 'S2: counter key',
		choice: 'S2: counter key (an option, a scale value or a normalised term, S7)',
		n: 'S2: the count'
	},
	published_counts: {
		round_id: 'S5: counter key of the published live snapshot',
		question_id: 'S5: counter key',
		choice: 'S5: counter key (as in answer_counts)',
		n: 'S5: a copy of answer_counts.n taken every k or more submissions'
	},
	held_answers: {
		round_id: 'S6: the round whose few held submissions these are (one row per round, not per submission)',
		sealed: 'S6: 1-3 submissions of the round, sealed with a key outside the database until they can be written with others',
		members: 'S6: how many it holds (a count)'
	},
	ballots: { token_hash: 'S3: hash of a single-use ballot', round_id: 'S3: its round, nothing else' },
	tans: { code_hash: 'S3: hash of a printed one-time code', round_id: 'S3: its round, nothing else' }
};

/** Names that suggest a student or device identifier or a per-submission record. */
export const forbiddenName = /student|pupil|leerling|nickname|device|user_agent|fingerprint|submission|submitted_at|answered_at|sequence/i;
