import type { Db } from '../db';
import { withLock } from '../jobs/lock';

/**
 * One classifier at a time across all processes on the database: the classification after each
 * ingestion, the weekly run, and the re-classification of history when class rules change all
 * assign events to classes and save the miner, so they take turns under this lease. A holder that
 * died is taken over at once (lib/jobs/lock.ts).
 */
export const CLASSIFIER_LEASE = 'classifier';
/** How long to wait for another process's classification before leaving the events to it. */
export const CLASSIFIER_WAIT_MS = 10 * 60_000;

/** Runs `work` under the classifier's lease; null when another holder kept it for longer than `waitMs`. */
export async function withClassifier<T>(db: Db, work: () => Promise<T>, waitMs = CLASSIFIER_WAIT_MS): Promise<T | null> {
  const ran = await withLock(db, CLASSIFIER_LEASE, work, { waitMs });
  return ran ? ran.result : null;
}
