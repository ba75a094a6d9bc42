// Seeds a bench database with plain SQL in the shapes of src/lib/server/db/schema.ts: one
// school, a 10-question agree5 questionnaire version, and open rounds made as rounds.open makes
// them (a rounds row plus its round_tallies row). Ids are fixed so the pgbench scripts can name
// rounds and questions without a lookup: round i is roundId(i), question q is questionId(q).
// The same SQL runs on PostgreSQL (postgres.js) and on an embedded PGlite folder: viaPostgres
// and viaPglite give both the one small interface this file and bench/run.js's checks use.
import { randomInt } from 'node:crypto';

export const QUESTIONS = 10;
export const SPREAD_ROUNDS = 100;
/** Rounds 1..100 are the spread shape's, round 101 the hot one. */
export const HOT_ROUND = 101;
/** The embedded shape's school at 9:00 (on a PGlite folder of its own). */
export const EMBEDDED_ROUNDS = 30;

// Mirrors src/lib/join-code.ts (kept in sync by hand: the bench runs without the TS sources).
const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** @param {number} i */
export const roundId = (i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
/** @param {number} q */
export const questionId = (q) => `00000000-0000-4000-9000-${String(q).padStart(12, '0')}`;

/**
 * @typedef {(text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>} Query
 * @typedef {{ query: Query; transaction: <T>(run: (query: Query) => Promise<T>) => Promise<T> }} BenchDb
 */

/** @param {import('postgres').Sql} sql @returns {BenchDb} */
export const viaPostgres = (sql) => ({
	query: (text, params = []) => sql.unsafe(text, /** @type {any[]} */ (params)),
	transaction: (run) => /** @type {any} */ (sql.begin((tx) => run((text, params = []) => tx.unsafe(text, /** @type {any[]} */ (params)))))
});

/** @param {import('@electric-sql/pglite').PGlite} pg @returns {BenchDb} */
export const viaPglite = (pg) => ({
	query: async (text, params = []) => (await pg.query(text, params)).rows,
	transaction: (run) => pg.transaction((tx) => run(async (text, params = []) => (await tx.query(text, params)).rows))
});

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
 * Seeds rounds 1..`rounds`, each in a group of its own.
 * @param {BenchDb} db
 * @param {number} rounds
 * @returns {Promise<Array<{ id: string; code: string }>>} round i at index i - 1
 */
export async function seed(db, rounds) {
	return db.transaction(async (query) => {
		const only = async (/** @type {string} */ text, /** @type {unknown[]} */ params) => {
			const [row] = await query(text, params);
			if (!row) throw new Error('insert returned no row');
			return /** @type {{ id: string }} */ (row);
		};
		const school = await only(`insert into schools (name) values ($1) returning id`, ['Benchmark school']);
		const questionnaire = await only(`insert into questionnaires (school_id, personal) values ($1, false) returning id`, [school.id]);
		const version = await only(
			`insert into questionnaire_versions (questionnaire_id, number, title_nl, title_en) values ($1, 1, 'Lesspiegel', 'Lesson mirror') returning id`,
			[questionnaire.id]
		);
		for (let q = 1; q <= QUESTIONS; q++) {
			await query(`insert into questions (id, version_id, position, type, prompt_nl, prompt_en) values ($1, $2, $3, 'agree5', $4, $5)`, [
				questionId(q),
				version.id,
				q - 1,
				`Vraag ${q}`,
				`Question ${q}`
			]);
		}
		const taken = new Set();
		/** @type {Array<{ id: string; code: string }>} */
		const all = [];
		for (let i = 1; i <= rounds; i++) {
			const group = await only(`insert into groups (school_id, name, year_level) values ($1, $2, 7) returning id`, [school.id, `Groep ${i}`]);
			const round = { id: roundId(i), code: joinCode(taken) };
			await query(`insert into rounds (id, group_id, version_id, join_code) values ($1, $2, $3, $4)`, [round.id, group.id, version.id, round.code]);
			await query(`insert into round_tallies (round_id, n) values ($1, 0)`, [round.id]);
			all.push(round);
		}
		return all;
	});
}

/**
 * What the database counted for these rounds: submissions (the tallies) and answers (the
 * counters, plus the answers of the submissions held sealed in the rounds' pools, PRIVACY.md S6;
 * 10 per submission here, so an increment applied twice shows too).
 * @param {BenchDb} db
 * @param {string[]} ids
 */
export async function counted(db, ids) {
	const list = `{${ids.join(',')}}`;
	const [tally] = await db.query(`select coalesce(sum(n), 0)::int as n from round_tallies where round_id = any($1::uuid[])`, [list]);
	const [answers] = await db.query(`select coalesce(sum(n), 0)::int as n from answer_counts where round_id = any($1::uuid[])`, [list]);
	const [held] = await db.query(`select coalesce(sum(members), 0)::int as n from held_answers where round_id = any($1::uuid[])`, [list]);
	return { submissions: Number(tally?.n), answers: Number(answers?.n) + QUESTIONS * Number(held?.n) };
}
