import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { groups, heldAnswers, roundTallies, rounds, schools } from '../db/schema';
import { RESERVE } from '../rounds/answer-pool';
import { MIN_TERM_COUNT, roundResults } from '../reporting/round-results';
import { check, type Check } from './findings';

/** Words that look like a way to reach or find a person, which S7 says never to keep. */
const contactLike = /@|^\+?\d[\d-]{7,}$|^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The k rule on the school's own data, through the same report code staff read: every round's
 * results, as the results page and its CSV get them, must show nothing below k (S4), no term
 * given by one student (S7), and no kept term may look like an address or phone number; a round
 * with more answers than its group has students is flagged (padding: answers not from students).
 * Answers held back until they can be written with others (S6) must be sealed, a few per round:
 * never readable text in the database.
 */
export async function checkSchoolData(db: Database, schoolId: string): Promise<Check[]> {
	const [school] = await db.select({ k: schools.minGroupSize }).from(schools).where(eq(schools.id, schoolId));
	const ofSchool = await db
		.select({ id: rounds.id, group: groups.name, openedAt: rounds.openedAt, students: groups.size })
		.from(rounds)
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.where(eq(groups.schoolId, schoolId));
	const belowK: string[] = [];
	const loneTerms: string[] = [];
	const contact: string[] = [];
	const padded: string[] = [];
	let suppressed = 0;
	for (const round of ofSchool) {
		const results = await roundResults(db, round.id, 'nl');
		if (!results) continue;
		const label = `${round.group}, ${round.openedAt.toISOString().slice(0, 10)}`;
		if (!results.shown) suppressed++;
		if (round.students !== null && results.n > round.students) padded.push(`${label}: ${results.n} answers from a group of ${round.students}`);
		const shownBasis = results.publishedN ?? (results.open ? 0 : results.n);
		if (results.shown && shownBasis < results.k) belowK.push(`${label}: results of ${shownBasis} responses shown`);
		for (const question of results.questions) {
			if (question.shown && question.respondents < results.k) belowK.push(`${label}: a question answered by ${question.respondents} shown`);
			for (const term of question.terms) {
				if (term.n < MIN_TERM_COUNT) loneTerms.push(`${label}: a term given once`);
				if (contactLike.test(term.term)) contact.push(`${label}: a term that looks like contact data`);
			}
		}
	}
	const seen = { kind: 'data', rounds: ofSchool.length, hidden: suppressed, k: school?.k ?? 0 } as const;
	return [
		check('data.k_rule', belowK, seen),
		check('data.terms', [...loneTerms, ...contact], seen),
		check('data.padding', padded, seen),
		check('data.held_sealed', await unsealedHeldAnswers(db, schoolId), seen)
	];
}

/** A sealed pool is `v1.<iv>.<ciphertext>.<tag>` in base64url: no question id, no answer, no JSON. */
const SEALED = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

async function unsealedHeldAnswers(db: Database, schoolId: string): Promise<string[]> {
	const held = await db
		.select({ group: groups.name, openedAt: rounds.openedAt, sealed: heldAnswers.sealed, members: heldAnswers.members, n: roundTallies.n })
		.from(heldAnswers)
		.innerJoin(rounds, eq(rounds.id, heldAnswers.roundId))
		.innerJoin(roundTallies, eq(roundTallies.roundId, rounds.id))
		.innerJoin(groups, eq(groups.id, rounds.groupId))
		.where(eq(groups.schoolId, schoolId));
	return held.flatMap(({ group, openedAt, sealed, members, n }) => {
		const label = `${group}, ${openedAt.toISOString().slice(0, 10)}`;
		const problems: string[] = [];
		if (!SEALED.test(sealed)) problems.push(`${label}: held answers stored unsealed`);
		if (members < 1 || members > RESERVE + 1 || members > n) problems.push(`${label}: ${members} answers held (at most ${RESERVE + 1}, never more than answered)`);
		return problems;
	});
}
