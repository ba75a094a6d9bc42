import { randomInt } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import * as sealedBox from '../crypto/sealed-box';
import type { Database } from '../db/client';
import { answerCounts, heldAnswers, roundTallies } from '../db/schema';
import type { Increment } from './answers';
import { poolKey } from './pool-key';

/**
 * PRIVACY.md S6 at any traffic. A batch hides which ballot caused which increments only when it
 * holds more than one submission; a lone submission in a quiet classroom would be written alone,
 * with its ballot, at a moment a teacher may have watched. So the counters of a round only ever
 * grow by sums of at least two submissions. A round's submissions that cannot yet be written so
 * wait in its pool, sealed under a key outside the database (pool-key.ts), and the phone is
 * answered once the sealed pool has committed: nothing acknowledged is lost.
 *
 * Once anything was written, a reserve of two always stays in the pool, so the next lone
 * submission finds company and the close writes at least two. A pool of one exists only while the
 * round has had one submission in all; if it stays so, the close leaves it sealed (it is below k
 * and never shown, so nothing is lost to a reader of results by not writing it).
 */

/** One submission's increments. */
export type Member = Increment[];

export const RESERVE = 2;

/** Which of a round's held and arriving submissions are written now, and which are held. */
export function plan(held: Member[], arriving: Member[]): { write: Member[]; keep: Member[] } {
	const all = [...held, ...arriving];
	const keeping = all.length < 2 * RESERVE ? all.length : RESERVE;
	// The last `keeping` places of a Fisher-Yates shuffle (crypto randomness): which are held, and
	// in what order they are sealed, says nothing of arrival. The written ones are summed, so
	// their order needs no shuffle (a hot batch holds hundreds).
	for (let i = all.length - 1; i >= all.length - keeping; i -= 1) {
		const j = randomInt(i + 1);
		[all[i], all[j]] = [all[j]!, all[i]!];
	}
	return { write: all.slice(0, all.length - keeping), keep: all.slice(all.length - keeping) };
}

/**
 * What is sealed: each question id once, and each member as a flat list of (question's place in
 * that list, choice) pairs. A round's pool is rewritten by nearly every batch that touches the
 * round, so its size is paid in encryption, in the bytes sent to the database and parsed there,
 * and in WAL: this takes less than half the bytes of the first format, a [question id, choice]
 * pair per answer.
 */
interface StoredPool {
	q: string[];
	m: Array<Array<number | string>>;
}
/** How the first release of the pools (migration 0006) sealed them; still opened. */
type StoredMembers = Array<Array<[questionId: string, choice: string]>>;

export function sealPool(members: Member[]): string {
	const places = new Map<string, number>();
	const m = members.map((member) =>
		member.flatMap(({ questionId, choice }) => {
			let place = places.get(questionId);
			if (place === undefined) places.set(questionId, (place = places.size));
			return [place, choice];
		})
	);
	const stored: StoredPool = { q: [...places.keys()], m };
	return sealedBox.seal(poolKey(), JSON.stringify(stored));
}

export function openPool(sealed: string): Member[] {
	let stored: StoredPool | StoredMembers;
	try {
		stored = JSON.parse(sealedBox.open(poolKey(), sealed));
	} catch {
		throw new Error('Held answers could not be opened: ANSWER_POOL_KEY (or DATA_DIR/answer-pool.key) is not the key they were sealed with');
	}
	if (Array.isArray(stored)) return stored.map((member) => member.map(([questionId, choice]) => ({ questionId, choice })));
	const { q, m } = stored;
	return m.map((pairs) => {
		const member: Member = [];
		for (let i = 0; i < pairs.length; i += 2) member.push({ questionId: q[pairs[i] as number]!, choice: pairs[i + 1] as string });
		return member;
	});
}

/**
 * Writes a closing round's pool into its counters, under the round's tally lock (the lock the
 * batch writer takes first, so no batch changes the pool meanwhile). Part of the close's
 * transaction.
 */
export async function flush(tx: Database, roundId: string): Promise<void> {
	await tx.select({ n: roundTallies.n }).from(roundTallies).where(eq(roundTallies.roundId, roundId)).for('update');
	const [pool] = await tx.select({ sealed: heldAnswers.sealed }).from(heldAnswers).where(eq(heldAnswers.roundId, roundId));
	if (!pool) return;
	const members = openPool(pool.sealed);
	if (members.length < 2) return;
	const counts = new Map<string, { questionId: string; choice: string; n: number }>();
	for (const { questionId, choice } of members.flat()) {
		const key = `${questionId} ${choice}`;
		const count = counts.get(key);
		if (count) count.n += 1;
		else counts.set(key, { questionId, choice, n: 1 });
	}
	if (counts.size > 0) {
		await tx
			.insert(answerCounts)
			.values([...counts.values()].map((count) => ({ roundId, ...count })))
			.onConflictDoUpdate({ target: [answerCounts.roundId, answerCounts.questionId, answerCounts.choice], set: { n: sql`${answerCounts.n} + excluded.n` } });
	}
	await tx.delete(heldAnswers).where(eq(heldAnswers.roundId, roundId));
}
