import type { Db } from '../db';
import { execute, inList, type Queryable } from '../sql';

// Rollout ids per UPDATE: far below either database's limit on bound parameters.
const CHUNK = 500;

/**
 * Makes each error event of `rollouts` say whether its rollout ended failed (ErrorEvent.rolloutFailed,
 * what the class page counts its failed rollouts from), after ingestion recomputed their outcome.
 * Only events whose flag changes are written.
 */
export async function setEventsRolloutFailed(tx: Queryable, kind: Db['kind'], rollouts: readonly { id: string; failed: boolean }[]): Promise<void> {
  for (const failed of [true, false]) {
    const ids = rollouts.filter((r) => r.failed === failed).map((r) => r.id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const sql = `UPDATE "ErrorEvent" SET "rolloutFailed" = ${failed} WHERE "rolloutId" IN (${inList(kind, chunk.length)}) AND "rolloutFailed" = ${!failed}`;
      await execute(tx, sql, chunk);
    }
  }
}
