import type { Db } from '../db';
import { inList, insertRows, queryRows, type Column, type Queryable } from '../sql';

/** What RolloutDayRollup counts of one stored rollout. */
export type RolloutDayFacts = { day: string; outcome: string; failedRuns: number; manualCount: number };

// Rollout ids per IN (...) lookup: far below either database's limit on bound parameters.
const LOOKUP_CHUNK = 500;
const COLUMNS: Column[] = [
  { name: 'day' }, { name: 'outcome' }, { name: 'rollouts', pgType: 'integer' },
  { name: 'noFailedRuns', pgType: 'integer' }, { name: 'noManual', pgType: 'integer' },
];
const ADD = COLUMNS.slice(2)
  .map((c) => `"${c.name}" = "RolloutDayRollup"."${c.name}" + excluded."${c.name}"`)
  .join(', ');

/**
 * The facts of the stored rollouts among `ids` (those not stored yet are left out). Call it in the
 * store's transaction before it writes any Rollout row, with the ids of every rollout its records
 * belong to, and pass the answer to addRolloutDayChanges after the writes.
 */
export async function readRolloutDays(
  tx: Queryable,
  kind: Db['kind'],
  ids: readonly string[],
): Promise<RolloutDayFacts[]> {
  const out: RolloutDayFacts[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const chunk = unique.slice(i, i + LOOKUP_CHUNK);
    const sql = `SELECT "day","outcome","failedRuns","manualCount" FROM "Rollout" WHERE "id" IN (${inList(kind, chunk.length)})`;
    for (const r of await queryRows<RolloutDayFacts>(tx, sql, chunk)) {
      out.push({ day: r.day, outcome: r.outcome, failedRuns: Number(r.failedRuns), manualCount: Number(r.manualCount) });
    }
  }
  return out;
}

/**
 * Per (day, outcome): the rollouts of `after` counted, those of `before` taken away (rows in
 * COLUMNS order, zero changes left out).
 */
export function computeRolloutDayChanges(
  before: readonly RolloutDayFacts[],
  after: readonly RolloutDayFacts[],
): unknown[][] {
  const sums = new Map<string, number[]>();
  const count = (facts: readonly RolloutDayFacts[], sign: number) => {
    for (const f of facts) {
      const id = `${f.day}\u0000${f.outcome}`;
      let v = sums.get(id);
      if (!v) sums.set(id, (v = [0, 0, 0]));
      v[0]! += sign;
      if (f.failedRuns === 0) v[1]! += sign;
      if (f.manualCount === 0) v[2]! += sign;
    }
  };
  count(after, 1);
  count(before, -1);
  return [...sums].filter(([, v]) => v.some((n) => n !== 0)).map(([id, v]) => [...id.split('\u0000'), ...v]);
}

/**
 * Brings RolloutDayRollup up to date with the rollouts `ids` as the transaction left them (created,
 * changed or removed), from their facts `before` it wrote them (readRolloutDays). The store's
 * transactions take turns, so nothing changes these rollouts between the two reads.
 */
export async function addRolloutDayChanges(
  tx: Queryable,
  kind: Db['kind'],
  ids: readonly string[],
  before: readonly RolloutDayFacts[],
): Promise<void> {
  const rows = computeRolloutDayChanges(before, await readRolloutDays(tx, kind, ids));
  if (rows.length === 0) return;
  const suffix = `ON CONFLICT ("day","outcome") DO UPDATE SET ${ADD}`;
  await insertRows(tx, kind, { table: 'RolloutDayRollup', columns: COLUMNS, suffix }, rows);
}
