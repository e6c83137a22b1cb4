import { readRunsOfDays } from '../admission/run-days';
import type { Db } from '../db';
import { inChunks, inList, inStringList, stringListArg } from '../sql';
import { addDays } from '../time/day';
import { cohortColumns, cohortOf, mergeCohortRow, readCohorts, type CohortRow } from './cohorts';

/** A rollout of the ranked week, as the Rollout table has it. */
export type WeekRollout = { id: string; stageRuns: number; failedRuns: number };
/** One stage attempt of a rollout that failed somewhere, for the impact model (lib/rank/impact.ts). */
export type WeekAttempt = { id: number; rolloutId: string; stageKey: string; attempt: number; status: string; durationMs: number | null; manual: boolean };
export type WeekRuns = {
  /** The cohort of each rollout that has one (lib/rank/cohorts.ts). */
  cohorts: Map<string, string>;
  /** Every attempt of the rollouts with a failed run. */
  attempts: WeekAttempt[];
  /** Rollouts whose runs were not all on the days read, looked up by id instead. */
  lookedUp: number;
};

/**
 * Days after the week whose runs are read with it: a rollout started late on Sunday runs on Monday.
 * A rollout with runs later still is looked up by id (see readWeekRuns).
 */
const SPILL_DAYS = 1;
const CHUNK = 500;
const ATTEMPT_COLUMNS = '"id","rolloutId","stageKey","attempt","status","durationMs","manual"';

type RawAttempt = Omit<WeekAttempt, 'manual'> & { manual: boolean | number };
const toAttempt = (r: RawAttempt): WeekAttempt => ({ id: Number(r.id), rolloutId: r.rolloutId, stageKey: r.stageKey, attempt: Number(r.attempt), status: r.status, durationMs: r.durationMs === null ? null : Number(r.durationMs), manual: Boolean(r.manual) });

/**
 * What the weekly ranking needs of the week's stage runs — each rollout's cohort and every attempt
 * of the rollouts that failed somewhere — read from the runs of the week's days (and the day after)
 * by primary-key range (StageRunDaySpan), which costs the week's volume whatever the history, instead
 * of by rollout id, which at 50M runs is a random read per run. A rollout has no run before its
 * start day; one whose runs were not all found on those days (a retry days later: the runs read fall
 * short of its stored `stageRuns`) is looked up by id.
 */
export async function readWeekRuns(db: Db, days: readonly string[], rollouts: readonly WeekRollout[]): Promise<WeekRuns> {
  if (rollouts.length === 0) return { cohorts: new Map(), attempts: [], lookedUp: 0 };
  const range = { from: days[0]!, to: addDays(days.at(-1)!, SPILL_DAYS) };
  const week = new Map(rollouts.map((r) => [r.id, r]));
  const groups = await readRunsOfDays<{ rolloutId: string; n: number | string } & CohortRow>(db, range, {
    columns: `"rolloutId", COUNT(*) AS "n", ${cohortColumns(db.kind)}`, where: '1 = 1', args: [], groupBy: '"rolloutId"',
  });
  const seen = new Map<string, { n: number; cohort: CohortRow }>();
  for (const { rolloutId, n, ...cohort } of groups) {
    if (!week.has(rolloutId)) continue;
    const known = seen.get(rolloutId);
    if (known) {
      known.n += Number(n);
      mergeCohortRow(known.cohort, cohort);
    } else seen.set(rolloutId, { n: Number(n), cohort });
  }
  const partial = new Set(rollouts.filter((r) => (seen.get(r.id)?.n ?? 0) < r.stageRuns).map((r) => r.id));
  const cohorts = new Map<string, string>();
  for (const [id, { cohort }] of seen) {
    const c = partial.has(id) ? null : cohortOf(cohort);
    if (c !== null) cohorts.set(id, c);
  }
  for (const [id, c] of await readCohorts(db, [...partial])) cohorts.set(id, c);

  const troubled = rollouts.filter((r) => r.failedRuns > 0).map((r) => r.id);
  const whole = troubled.filter((id) => !partial.has(id));
  const inRange = whole.length === 0 ? [] : await readRunsOfDays<RawAttempt>(db, range, { columns: ATTEMPT_COLUMNS, where: inStringList(db.kind, '"rolloutId"'), args: [stringListArg(db.kind, whole)] });
  const elsewhere = await inChunks(troubled.filter((id) => partial.has(id)), CHUNK, (chunk) =>
    db.prisma.$queryRawUnsafe<RawAttempt[]>(`SELECT ${ATTEMPT_COLUMNS} FROM "StageRun" WHERE "rolloutId" IN (${inList(db.kind, chunk.length)})`, ...chunk),
  );
  return { cohorts, attempts: [...inRange, ...elsewhere].map(toAttempt), lookedUp: partial.size };
}
