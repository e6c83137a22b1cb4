import type { Db } from '../db';
import { sweepAbandonedBatches } from '../ingest/batches';
import { withLock } from '../jobs/lock';
import { insertRows, readStoreHorizon } from '../sql';
import { AdmissionConfigError, type AdmissionPolicy, type AdmissionRuleConfig } from './config';
import type { Finding } from './kind';
import { RULE_KINDS } from './kinds';
import { NewRuns } from './new-runs';
import { updateAdmissionState } from './state';
import { recordFinding, resolveStale, type Outcome } from './violations';
import { checkWindowRule } from './window-days';

export { getViolationHistory } from './violations';

export type CheckResult = { rules: number; runs: number; findings: number } & Record<Outcome, number>;
type Deps = { db: Db; policy: AdmissionPolicy; now?: Date; timeZone: string };

const STATE_CURSOR = 'state';
/**
 * A per-record rule's cursor. Its name carries the way sightings are counted in weeks: a rule whose
 * cursor has an older name (`rule:<id>`, counted only the week of a range's latest breach) loses
 * its weekly history and reads all runs again, which rebuilds it (the sightings it counted before
 * are not counted twice: see countedThrough).
 */
const ruleCursor = (id: string) => `runs:${id}`;
const OLD_CURSOR_PREFIX = 'rule:';
/** Stage runs read per step of the pass after ingestion (bounded memory for a large backlog). */
const RANGE = 200_000;
/** How long a pass waits for another one to finish before leaving the runs to it. */
export const PASS_WAIT_MS = 10 * 60_000;

const emptyResult = (rules: number): CheckResult => ({ rules, runs: 0, findings: 0, opened: 0, updated: 0, reopened: 0, resolved: 0 });

/** Loads the rules into the database: upserted by id; rules no longer in the file become inactive. */
async function syncRules(db: Db, policy: AdmissionPolicy): Promise<void> {
  const teams = new Set((await db.prisma.owner.findMany({ select: { id: true } })).map((o) => o.id));
  policy.rules.forEach((r, i) => {
    if (!teams.has(r.owner)) throw new AdmissionConfigError(`admission rules.${i}.owner: "${r.owner}" is not an owner of the chain config`);
  });
  for (const r of policy.rules) {
    const data = { title: r.title, description: r.description, kind: r.kind, severity: r.severity, mode: r.mode, scope: r.scope, config: r.config as object, ownerId: r.owner, active: true };
    await db.prisma.admissionRule.upsert({ where: { id: r.id }, create: { id: r.id, ...data }, update: data });
  }
  await db.prisma.admissionRule.updateMany({ where: { id: { notIn: policy.rules.map((r) => r.id) } }, data: { active: false } });
}

/** Moves cursors to `to`, in one statement. */
async function saveCursors(db: Db, names: string[], to: number): Promise<void> {
  const spec = { table: 'AdmissionCursor', columns: [{ name: 'name' }, { name: 'lastRunId', pgType: 'integer' }], suffix: 'ON CONFLICT ("name") DO UPDATE SET "lastRunId" = excluded."lastRunId"' };
  await insertRows(await db.bulk(), db.kind, spec, names.map((n) => [n, to]));
}

type PassOptions = {
  /** How long to wait for a pass another process is running (default PASS_WAIT_MS). */
  waitMs?: number;
  /** Called after each range's findings are recorded, before its cursors are saved: where a crash hurts most (tests use it). */
  afterRange?: () => Promise<void>;
};

/**
 * The pass after an ingestion: reads the stage runs stored since the last pass (by id), updates the
 * admission state (hosts, build hosts, images) and checks the per-record kinds on them. It reads up
 * to the store horizon (every run below it committed, see lib/sql.ts), so a concurrent or crashed
 * ingestion never makes it skip runs, and it keeps reading while new runs arrive. When another pass
 * holds the lock it waits for it (up to `waitMs`) and then reads what is left; null when it gave up
 * waiting (the other pass reads on until nothing is left).
 */
export async function checkNewRuns(deps: Deps & PassOptions): Promise<CheckResult | null> {
  const { db, policy } = deps;
  const ran = await withLock(db, 'admission-runs', async (lease) => {
    const now = deps.now ?? new Date();
    const result = emptyResult(policy.rules.length);
    // One cursor for the state and one per rule, so that a rule added later reads the history too.
    const cursors = new Map((await db.prisma.admissionCursor.findMany()).map((c) => [c.name, c.lastRunId]));
    const perRecord = policy.rules.filter((r) => RULE_KINDS[r.kind]!.checkRuns);
    await rebuildFromStart(db, perRecord.filter((r) => !cursors.has(ruleCursor(r.id))));
    const at = (name: string) => cursors.get(name) ?? 0;
    // The rules are written to the database only when a finding needs them (most passes find none).
    let synced = false;
    const record = async (rule: AdmissionRuleConfig, findings: Finding[], through: number) => {
      if (findings.length && !synced) await syncRules(db, policy);
      synced ||= findings.length > 0;
      result.findings += findings.length;
      for (const f of findings) result[(await recordFinding(db, rule, f, { now, timeZone: deps.timeZone, throughRunId: through })).outcome] += 1;
    };
    for (let top = await readStoreHorizon(db); ; top = await readStoreHorizon(db)) {
      const start = Math.min(at(STATE_CURSOR), ...perRecord.map((r) => at(ruleCursor(r.id))));
      if (start >= top) return result;
      for (let from = start; from < top; ) {
        await lease.confirm();
        const to = Math.min(top, from + RANGE);
        const shared = new NewRuns(db, policy.images, from, to);
        // Usually every cursor is at `from` and the range's facts are read once for all.
        const runsFrom = (name: string) => (at(name) > from ? new NewRuns(db, policy.images, at(name), to) : shared);
        const moved: string[] = [];
        if (at(STATE_CURSOR) < to) {
          await updateAdmissionState(db, runsFrom(STATE_CURSOR));
          moved.push(STATE_CURSOR);
        }
        for (const rule of perRecord) {
          if (at(ruleCursor(rule.id)) >= to) continue;
          await record(rule, await RULE_KINDS[rule.kind]!.checkRuns!({ db, now, timeZone: deps.timeZone, images: policy.images }, rule.config, runsFrom(ruleCursor(rule.id))), to);
          moved.push(ruleCursor(rule.id));
        }
        await deps.afterRange?.();
        await saveCursors(db, moved, to);
        for (const name of moved) cursors.set(name, to);
        result.runs += to - from;
        from = to;
      }
    }
  }, { waitMs: deps.waitMs ?? PASS_WAIT_MS });
  return ran?.result ?? null;
}

/**
 * Per-record rules about to read all runs from the start (new, or counted the old way): their
 * weekly history is dropped first, as reading every run builds it again.
 */
async function rebuildFromStart(db: Db, rules: AdmissionRuleConfig[]): Promise<void> {
  if (rules.length === 0) return;
  const ids = rules.map((r) => r.id);
  await db.prisma.admissionViolationWeek.deleteMany({ where: { violation: { ruleId: { in: ids } } } });
  await db.prisma.admissionCursor.deleteMany({ where: { name: { in: ids.map((id) => `${OLD_CURSOR_PREFIX}${id}`) } } });
}

/**
 * The full check (daily job, `npm run admission:check`): first the pass over any stage runs not
 * read yet, then every window rule judged on the days that need it (window-days.ts) and every
 * state rule evaluated now, then every rule's violations not seen for its window resolved.
 */
export async function runAdmissionCheck(deps: Deps): Promise<CheckResult> {
  const now = deps.now ?? new Date();
  const { db, policy, timeZone } = deps;
  await syncRules(db, policy);
  await sweepAbandonedBatches(db);
  const horizon = await readStoreHorizon(db);
  const result = (await checkNewRuns({ ...deps, now })) ?? emptyResult(policy.rules.length);
  for (const rule of policy.rules) {
    const kind = RULE_KINDS[rule.kind]!;
    if (kind.evaluateDays) {
      const r = await checkWindowRule({ db, rule, kind, now, timeZone, images: policy.images, horizon });
      for (const k of ['findings', 'opened', 'updated', 'reopened', 'resolved'] as const) result[k] += r[k];
    } else if (kind.evaluate) {
      const findings = await kind.evaluate({ db, now, timeZone, images: policy.images }, rule.config);
      result.findings += findings.length;
      for (const f of findings) result[(await recordFinding(db, rule, f, { now, timeZone })).outcome] += 1;
    }
    result.resolved += await resolveStale(db, rule, now);
  }
  return result;
}
