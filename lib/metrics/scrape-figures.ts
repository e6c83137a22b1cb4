import { getChain } from '../chain/sync';
import type { Db } from '../db';
import { OPEN_STATUSES } from '../places/violations';
import { addDays, dayInZone } from '../time/day';
import { SCHEDULED_JOB_NAMES } from '../jobs/job-names';

/**
 * What GET /metrics reports, read at scrape time from rollups and small indexed tables (never a
 * scan of stage runs or error events). Stage and rollout figures cover calendar-day windows in
 * ROLLSCOPE_TIMEZONE (the rollups are per day): "today" so far, and "7d" (today and the 6 days
 * before). Ingest and job figures cover rolling windows of the last 24 h and 7 days.
 */
export const DAY_WINDOWS = [{ window: 'today', days: 1 }, { window: '7d', days: 7 }] as const;
export const TIME_WINDOWS = [{ window: '24h', ms: 24 * 3600_000 }, { window: '7d', ms: 7 * 24 * 3600_000 }] as const;
/** Error classes still to be dealt with; resolved, ignored and merged ones are not counted. */
export const OPEN_CLASS_STATUSES = ['open', 'acknowledged'];
/** The label value for figures with no owner (or whose owner belongs to no team). */
export const NO_OWNER = 'none';

type Labels = Record<string, string>;
export type Sample = { labels: Labels; value: number };
export type ScrapeFigures = {
  stageAttempts: Sample[]; stageSuccesses: Sample[]; stageFailures: Sample[];
  rollouts: Sample[];
  openClasses: Sample[]; openViolations: Sample[];
  ingestBatches: Sample[]; ingestRecords: Sample[]; ingestLastFinished: number | null;
  jobRuns: Sample[]; jobLastSuccess: Sample[]; jobLastFailure: Sample[];
};

const seconds = (d: Date | null | undefined) => (d ? d.getTime() / 1000 : null);

/** An owner's team: a team is its own; a person's is their team; none when unknown. */
function teamOf(owners: Map<string, { kind: string; teamId: string | null }>, ownerId: string | null): string {
  if (ownerId === null) return NO_OWNER;
  const o = owners.get(ownerId);
  if (!o) return NO_OWNER;
  return o.kind === 'team' ? ownerId : (o.teamId ?? NO_OWNER);
}

async function stageAndRolloutFigures(db: Db, now: Date, timeZone: string) {
  const today = dayInZone(now.getTime(), timeZone);
  const chain = await getChain(db);
  const out: Pick<ScrapeFigures, 'stageAttempts' | 'stageSuccesses' | 'stageFailures' | 'rollouts'> = {
    stageAttempts: [], stageSuccesses: [], stageFailures: [], rollouts: [],
  };
  for (const { window, days } of DAY_WINDOWS) {
    const day = { gte: addDays(today, -(days - 1)), lte: today };
    const [stages, rollouts] = await Promise.all([
      db.prisma.dailyStageRollup.groupBy({ by: ['stageKey'], where: { day }, _sum: { attempts: true, successes: true, failures: true } }),
      db.prisma.rolloutDayRollup.groupBy({ by: ['outcome'], where: { day }, _sum: { rollouts: true } }),
    ]);
    const byStage = new Map(stages.map((s) => [s.stageKey, s._sum]));
    for (const s of chain.stages) {
      const sum = byStage.get(s.key);
      const labels = { stage: s.key, window };
      out.stageAttempts.push({ labels, value: sum?.attempts ?? 0 });
      out.stageSuccesses.push({ labels, value: sum?.successes ?? 0 });
      out.stageFailures.push({ labels, value: sum?.failures ?? 0 });
    }
    const byOutcome = new Map(rollouts.map((r) => [r.outcome, r._sum.rollouts ?? 0]));
    for (const status of ['succeeded', 'failed', 'in_progress']) {
      out.rollouts.push({ labels: { status, window }, value: byOutcome.get(status) ?? 0 });
    }
  }
  return out;
}

async function ownerFigures(db: Db) {
  const [owners, classes, violations, rules] = await Promise.all([
    db.prisma.owner.findMany({ select: { id: true, kind: true, teamId: true } }),
    db.prisma.errorClass.groupBy({ by: ['ownerId', 'status'], where: { status: { in: OPEN_CLASS_STATUSES } }, _count: { _all: true } }),
    db.prisma.admissionViolation.groupBy({ by: ['ruleId', 'status'], where: { status: { in: OPEN_STATUSES } }, _count: { _all: true } }),
    db.prisma.admissionRule.findMany({ select: { id: true, ownerId: true } }),
  ]);
  const byId = new Map(owners.map((o) => [o.id, o]));
  const label = (ownerId: string | null, status: string) => ({ owner: ownerId ?? NO_OWNER, team: teamOf(byId, ownerId), status });
  const openClasses = classes.map((c) => ({ labels: label(c.ownerId, c.status), value: c._count._all }));
  // Violations are owned through their rule; several rules of one owner add up in one series.
  const ruleOwner = new Map(rules.map((r) => [r.id, r.ownerId]));
  const sums = new Map<string, Sample>();
  for (const v of violations) {
    const labels = label(ruleOwner.get(v.ruleId) ?? null, v.status);
    const key = JSON.stringify(labels);
    const s = sums.get(key) ?? { labels, value: 0 };
    s.value += v._count._all;
    sums.set(key, s);
  }
  return { openClasses, openViolations: [...sums.values()] };
}

async function ingestFigures(db: Db, now: Date) {
  const ingestBatches: Sample[] = [];
  const ingestRecords: Sample[] = [];
  for (const { window, ms } of TIME_WINDOWS) {
    const where = { startedAt: { gte: new Date(now.getTime() - ms) } };
    const rows = await db.prisma.ingestBatch.groupBy({
      by: ['status'], where, _count: { _all: true }, _sum: { accepted: true, duplicates: true, rejected: true, conflicts: true },
    });
    const by = new Map(rows.map((r) => [r.status, r]));
    for (const status of ['running', 'finished', 'failed', 'abandoned']) {
      ingestBatches.push({ labels: { status, window }, value: by.get(status)?._count._all ?? 0 });
    }
    const total = (f: 'accepted' | 'duplicates' | 'rejected' | 'conflicts') => rows.reduce((a, r) => a + (r._sum[f] ?? 0), 0);
    const records = {
      accepted: total('accepted'), duplicate: total('duplicates'), rejected: total('rejected'), conflict: total('conflicts'),
    };
    for (const [status, value] of Object.entries(records)) ingestRecords.push({ labels: { status, window }, value });
  }
  const last = await db.prisma.ingestBatch.findFirst({
    where: { status: 'finished' }, orderBy: { startedAt: 'desc' }, select: { finishedAt: true, startedAt: true },
  });
  return { ingestBatches, ingestRecords, ingestLastFinished: last ? seconds(last.finishedAt ?? last.startedAt) : null };
}

/** The scheduled jobs expected to run: `retention` only with ROLLSCOPE_RETENTION_DAYS set (else it never records a run). */
export function expectedJobNames(retentionDays: number | null): string[] {
  return SCHEDULED_JOB_NAMES.filter((job) => job !== 'retention' || retentionDays !== null);
}

async function jobFigures(db: Db, now: Date, retentionDays: number | null) {
  const week = TIME_WINDOWS[1];
  const since = new Date(now.getTime() - week.ms);
  const runs = await db.prisma.jobRun.groupBy({ by: ['job', 'status'], where: { startedAt: { gte: since } }, _count: { _all: true } });
  // Every scheduled job is listed even before its first run, so "never ran" can alert.
  const jobs = [...new Set([...expectedJobNames(retentionDays), ...runs.map((r) => r.job)])].sort();
  const jobRuns: Sample[] = [];
  for (const job of jobs) {
    for (const status of ['running', 'succeeded', 'failed']) {
      const value = runs.find((r) => r.job === job && r.status === status)?._count._all ?? 0;
      jobRuns.push({ labels: { job, status, window: week.window }, value });
    }
  }
  // One indexed look-up per job and outcome (JobRun @@index([job, startedAt])).
  const latest = (job: string, status: string) => db.prisma.jobRun.findFirst({
    where: { job, status }, orderBy: { startedAt: 'desc' }, select: { startedAt: true, finishedAt: true },
  });
  const pick = async (status: string) => (await Promise.all(jobs.map(async (job) => {
    const run = await latest(job, status);
    return run ? [{ labels: { job }, value: seconds(run.finishedAt ?? run.startedAt)! }] : [];
  }))).flat();
  return { jobRuns, jobLastSuccess: await pick('succeeded'), jobLastFailure: await pick('failed') };
}

/** What the scrape needs from the settings: the time zone, and the retention (unset: its job is not expected). */
export type ScrapeOptions = { now?: Date; timeZone: string; retentionDays?: number | null };

export async function getScrapeFigures(db: Db, opts: ScrapeOptions): Promise<ScrapeFigures> {
  const now = opts.now ?? new Date();
  const [stages, owners, ingest, jobs] = await Promise.all([
    stageAndRolloutFigures(db, now, opts.timeZone), ownerFigures(db), ingestFigures(db, now), jobFigures(db, now, opts.retentionDays ?? null),
  ]);
  return { ...stages, ...owners, ...ingest, ...jobs };
}
