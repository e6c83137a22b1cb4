import type { Db } from '../db';
import { insertRows, type Column, type Queryable } from '../sql';

/** A stored stage run as the per-stage rollup needs it. */
export type StageDayRun = { day: string; stageKey: string; status: string; attempt: number; manual: boolean };

const COLUMNS: Column[] = [
  { name: 'day' }, { name: 'stageKey' },
  { name: 'attempts', pgType: 'integer' }, { name: 'successes', pgType: 'integer' },
  { name: 'failures', pgType: 'integer' }, { name: 'skips', pgType: 'integer' }, { name: 'manual', pgType: 'integer' },
  { name: 'firstAttempts', pgType: 'integer' }, { name: 'firstSuccesses', pgType: 'integer' },
];
const ADD = COLUMNS.slice(2)
  .map((c) => `"${c.name}" = "DailyStageRollup"."${c.name}" + excluded."${c.name}"`)
  .join(', ');

/** A new row of run counters: attempts, successes, failures, skips, manual, first attempts, first successes. */
export const emptyRunCounts = (): number[] => [0, 0, 0, 0, 0, 0, 0];

/** Counts one run into counters made by emptyRunCounts (DailyRollup's and DailyStageRollup's way). */
export function countRun(v: number[], r: Pick<StageDayRun, 'status' | 'attempt' | 'manual'>): void {
  v[0]! += 1;
  if (r.status === 'succeeded') v[1]! += 1;
  else if (r.status === 'failed') v[2]! += 1;
  else v[3]! += 1;
  if (r.manual) v[4]! += 1;
  if (r.attempt === 1 && r.status !== 'skipped') v[5]! += 1;
  if (r.attempt === 1 && r.status === 'succeeded') v[6]! += 1;
}

/** Per (day, stage) counts of `runs`, counted as DailyRollup counts them, as rows in COLUMNS order. */
export function computeStageDays(runs: readonly StageDayRun[]): unknown[][] {
  const sums = new Map<string, number[]>();
  for (const r of runs) {
    const id = `${r.day}\u0000${r.stageKey}`;
    let v = sums.get(id);
    if (!v) sums.set(id, (v = emptyRunCounts()));
    countRun(v, r);
  }
  return [...sums].map(([id, v]) => [...id.split('\u0000'), ...v]);
}

/**
 * Adds the stage runs just inserted to DailyStageRollup, in the store's transaction (call it with
 * the same runs as DailyRollup gets): the table stays DailyRollup summed over services.
 */
export async function addStageDayRollups(tx: Queryable, kind: Db['kind'], runs: readonly StageDayRun[]): Promise<void> {
  const rows = computeStageDays(runs);
  if (rows.length === 0) return;
  const suffix = `ON CONFLICT ("day","stageKey") DO UPDATE SET ${ADD}`;
  await insertRows(tx, kind, { table: 'DailyStageRollup', columns: COLUMNS, suffix }, rows);
}
