// Seeds a big school for `npm run bench:dashboard` with plain SQL in the shapes of
// src/lib/server/db/schema.ts: 60 groups, two school questionnaires (agree, smiley and rating
// questions over the nine built-in themes), a closed round per group every two weeks for three
// school years with counters and tallies as the batch writer leaves them, and a school leader
// with a session. Three groups stay below k in every round, so suppression has work to do.
import { createHash, randomBytes } from 'node:crypto';

export const GROUPS = 60;
export const SCHOOL_YEARS = 3;
const ROUND_EVERY_DAYS = 14;
const SMALL_GROUPS = 3;
const FIRST_MONTH = 7; // August: Dutch school years run from 1 August to 31 July

/** @typedef {'agree5' | 'smiley5' | 'rating10'} Scale */
/** @type {Array<{ title: string; questions: Array<[Scale, string]> }>} */
const questionnaires = [
	{
		title: 'Lesspiegel',
		questions: [
			['agree5', 'safe_climate'],
			['agree5', 'safe_climate'],
			['agree5', 'classroom_management'],
			['agree5', 'clear_explanation'],
			['agree5', 'clear_explanation'],
			['agree5', 'activating_learning'],
			['agree5', 'differentiation'],
			['agree5', 'learning_strategies']
		]
	},
	{
		title: 'Exit ticket',
		questions: [
			['smiley5', 'wellbeing'],
			['rating10', 'readiness_to_learn'],
			['agree5', 'teacher_relationship'],
			['agree5', 'wellbeing']
		]
	}
];
const steps = { agree5: ['1', '2', '3', '4', '5'], smiley5: ['1', '2', '3', '4', '5'], rating10: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] };

/** A small deterministic generator (mulberry32), so every run seeds the same school. */
function random(seed = 20261201) {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The first calendar year of the school year holding `now`. */
export const schoolYearOf = (/** @type {Date} */ now) => (now.getUTCMonth() >= FIRST_MONTH ? now.getUTCFullYear() : now.getUTCFullYear() - 1);

/**
 * @param {import('postgres').Sql} sql
 * @param {Date} now
 * @returns {Promise<{ schoolId: string; token: string; rounds: number; counters: number }>}
 */
export async function seedBigSchool(sql, now) {
	const next = random();
	const first = new Date(Date.UTC(schoolYearOf(now) - (SCHOOL_YEARS - 1), FIRST_MONTH, 20, 9));
	return sql.begin(async (tx) => {
		// The leader signs in by a seeded session, without a second factor to show: the school does not ask for one.
		const [school] = await tx`insert into schools (name, leaders_need_second_factor) values ('Benchmarkschool', false) returning id`;
		if (!school) throw new Error('no school');
		const [leader] = await tx`insert into users (email, password_hash) values ('leider@bench.invalid', 'not-a-hash: logs in by session only') returning id`;
		if (!leader) throw new Error('no user');
		await tx`insert into memberships (user_id, school_id, role) values (${leader.id}, ${school.id}, 'school_leader')`;
		const token = randomBytes(20).toString('hex');
		const expires = new Date(now.getTime() + 12 * 3_600_000);
		await tx`insert into sessions (id, user_id, created_at, last_active_at, expires_at, two_factor_verified)
			values (${createHash('sha256').update(token).digest('hex')}, ${leader.id}, ${now}, ${now}, ${expires}, true)`;

		/** @type {Array<{ versionId: string; questions: Array<{ id: string; type: Scale }> }>} */
		const versions = [];
		for (const q of questionnaires) {
			const [questionnaire] = await tx`insert into questionnaires (school_id, personal) values (${school.id}, false) returning id`;
			const [version] = await tx`insert into questionnaire_versions (questionnaire_id, number, title_nl, title_en)
				values (${questionnaire?.id ?? null}, 1, ${q.title}, ${q.title}) returning id`;
			if (!version) throw new Error('no version');
			const rows = q.questions.map(([type, theme], position) => ({ version_id: version.id, position, type, prompt_nl: `${theme} ${position}`, prompt_en: `${theme} ${position}`, theme }));
			const inserted = await tx`insert into questions ${tx(rows)} returning id, type`;
			versions.push({ versionId: version.id, questions: inserted.map((r) => ({ id: r.id, type: r.type })) });
		}

		const groupRows = Array.from({ length: GROUPS }, (_, i) => ({ school_id: school.id, name: `Groep ${Math.floor(i / 8) + 1}${'abcdefgh'[i % 8]}`, year_level: Math.floor(i / 8) + 1 }));
		const groups = await tx`insert into groups ${tx(groupRows)} returning id`;
		let rounds = 0;
		let counters = 0;
		for (const [g, group] of groups.entries()) {
			/** @type {Array<Record<string, unknown>>} */
			const roundRows = [];
			for (let day = first.getTime(), i = 0; day < now.getTime() - 86_400_000; day += ROUND_EVERY_DAYS * 86_400_000, i++) {
				roundRows.push({ group_id: group.id, version_id: versions[i % 2]?.versionId, join_code: 'BENCH2', opened_at: new Date(day), closed_at: new Date(day + 3_600_000) });
			}
			const made = await tx`insert into rounds ${tx(roundRows)} returning id, version_id`;
			/** @type {Array<Record<string, unknown>>} */
			const tallies = [];
			/** @type {Array<Record<string, unknown>>} */
			const counts = [];
			for (const round of made) {
				const n = g < SMALL_GROUPS ? 2 + Math.floor(next() * 3) : 18 + Math.floor(next() * 12);
				tallies.push({ round_id: round.id, n });
				for (const question of versions.find((v) => v.versionId === round.version_id)?.questions ?? []) {
					const choices = steps[question.type];
					const tally = new Map();
					// Answers lean to the upper half of the scale, as real ones do.
					for (let s = 0; s < n; s++) {
						const choice = choices[Math.min(choices.length - 1, Math.floor(Math.sqrt(next()) * choices.length))];
						tally.set(choice, (tally.get(choice) ?? 0) + 1);
					}
					for (const [choice, count] of tally) counts.push({ round_id: round.id, question_id: question.id, choice, n: count });
				}
			}
			await tx`insert into round_tallies ${tx(tallies)}`;
			for (let i = 0; i < counts.length; i += 5000) await tx`insert into answer_counts ${tx(counts.slice(i, i + 5000))}`;
			rounds += made.length;
			counters += counts.length;
		}
		return { schoolId: school.id, token, rounds, counters };
	});
}
