// Seeds the bench database with plain SQL in the shapes of src/lib/server/db/schema.ts: one
// school, a 10-question agree5 questionnaire version, and open rounds made as rounds.open makes
// them (a rounds row plus its round_tallies row). Ids are fixed so the pgbench scripts can name
// rounds and questions without a lookup: round i is roundId(i), question q is questionId(q).
import { randomInt } from 'node:crypto';

export const QUESTIONS = 10;
export const SPREAD_ROUNDS = 100;
/** Rounds 1..100 are the spread shape's, round 101 the hot one. */
export const HOT_ROUND = 101;

// Mirrors src/lib/join-code.ts (kept in sync by hand: the bench runs without the TS sources).
const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** @param {number} i */
export const roundId = (i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
/** @param {number} q */
export const questionId = (q) => `00000000-0000-4000-9000-${String(q).padStart(12, '0')}`;

/** @param {Set<string>} taken */
function joinCode(taken) {
	for (;;) {
		let code = '';
		for (let i = 0; i < 6; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
		if (!taken.has(code)) {
			taken.add(code);
			return code;
		}
	}
}

/**
 * @param {import('postgres').Sql} sql
 * @returns {Promise<{ spread: Array<{ id: string; code: string }>; hot: Array<{ id: string; code: string }> }>}
 */
export async function seed(sql) {
	/** @param {import('postgres').RowList<import('postgres').Row[]>} rows */
	const only = (rows) => {
		if (!rows[0]) throw new Error('insert returned no row');
		return rows[0];
	};
	return sql.begin(async (tx) => {
		const school = only(await tx`insert into schools (name) values ('Benchmark school') returning id`);
		const questionnaire = only(await tx`insert into questionnaires (school_id, personal) values (${school.id}, false) returning id`);
		const version = only(await tx`
			insert into questionnaire_versions (questionnaire_id, number, title_nl, title_en)
			values (${questionnaire.id}, 1, 'Lesspiegel', 'Lesson mirror') returning id`);
		const questionRows = Array.from({ length: QUESTIONS }, (_, i) => ({
			id: questionId(i + 1),
			version_id: version.id,
			position: i,
			type: 'agree5',
			prompt_nl: `Vraag ${i + 1}`,
			prompt_en: `Question ${i + 1}`
		}));
		await tx`insert into questions ${tx(questionRows)}`;

		const taken = new Set();
		/** @type {Array<{ id: string; code: string }>} */
		const all = [];
		for (let i = 1; i <= HOT_ROUND; i++) {
			const group = only(await tx`insert into groups (school_id, name, year_level) values (${school.id}, ${`Groep ${i}`}, 7) returning id`);
			const round = { id: roundId(i), code: joinCode(taken) };
			await tx`insert into rounds (id, group_id, version_id, join_code) values (${round.id}, ${group.id}, ${version.id}, ${round.code})`;
			await tx`insert into round_tallies (round_id, n) values (${round.id}, 0)`;
			all.push(round);
		}
		return { spread: all.slice(0, SPREAD_ROUNDS), hot: all.slice(SPREAD_ROUNDS) };
	});
}
