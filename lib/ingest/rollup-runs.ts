import type { Db } from '../db';
import type { Queryable } from '../sql';
import { addRunDaySpans, type RunDay } from './rollup-run-days';
import { addStageDayRollups, type StageDayRun } from './rollup-stage-days';

/** A stage run just inserted, as the rollups kept beside DailyRollup need it. */
export type InsertedRun = RunDay & StageDayRun;

/**
 * The rollups of the stage runs one store transaction inserted (call it in that transaction, after
 * the INSERT, with exactly the runs inserted — not the duplicates): the day spans of StageRun ids
 * (rollup-run-days.ts) and the per-(day, stage) counters (rollup-stage-days.ts).
 */
export async function addRunRollups(tx: Queryable, kind: Db['kind'], runs: readonly InsertedRun[]): Promise<void> {
  if (runs.length === 0) return;
  await addRunDaySpans(tx, kind, runs);
  await addStageDayRollups(tx, kind, runs);
}
