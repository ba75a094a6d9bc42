import { eq } from 'drizzle-orm';
import type { Database } from '../../src/lib/server/db/client';
import { heldAnswers } from '../../src/lib/server/db/schema';
import type { Increment } from '../../src/lib/server/rounds/answers';
import { openPool } from '../../src/lib/server/rounds/answer-pool';

/**
 * The increments of a round's submissions held sealed in its pool (PRIVACY.md S6), opened with
 * the key the test processes share with the servers they start (vite.config.ts): while a round
 * is open, what was counted is its counters plus these.
 */
export async function heldIncrements(db: Database, roundId: string): Promise<Increment[]> {
	const [pool] = await db.select({ sealed: heldAnswers.sealed }).from(heldAnswers).where(eq(heldAnswers.roundId, roundId));
	return pool ? openPool(pool.sealed).flat() : [];
}
