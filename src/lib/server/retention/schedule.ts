import type { Database } from '../db/client';
import { scheduleDaily } from '../daily-job';
import { runRetention, type RetentionSettings } from './index';

/**
 * The retention job, daily in the server. With several instances each runs its own schedule;
 * that is harmless because every delete is idempotent (a second run finds nothing left).
 */
export function scheduleRetention(db: Database, cfg: RetentionSettings): () => void {
	return scheduleDaily('retention', () => runRetention(db, cfg));
}
