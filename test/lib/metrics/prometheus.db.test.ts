import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics, METRIC_NAMES } from '../../../lib/metrics/prometheus';
import { SCHEDULED_JOB_NAMES as SCHEDULED_JOBS } from '../../../lib/jobs/job-names';
import { NO_OWNER } from '../../../lib/metrics/scrape-figures';
import { addDays } from '../../../lib/time/day';
import { createTestDb, type TestDb } from '../../helpers/db';
import { parsePrometheusText, valueOf } from '../../helpers/prometheus-text';
import { deriveDayRollups } from './derived-rollups';

let t: TestDb;
let stages: string[];
let owners: { id: string; kind: string; teamId: string | null }[];
beforeAll(async () => {
  t = await createTestDb();
  stages = (await t.db.prisma.stage.findMany({ orderBy: { position: 'asc' } })).map((s) => s.key);
  owners = await t.db.prisma.owner.findMany({ select: { id: true, kind: true, teamId: true } });
  await t.db.prisma.service.createMany({ data: [{ name: 'svc-a' }, { name: 'svc-b' }] });
});
afterAll(async () => t?.close());

const NOW = new Date('2026-11-20T12:00:00Z');
const TODAY = '2026-11-20';
const CLASS_STATUSES = ['open', 'acknowledged', 'resolved', 'ignored', 'merged'];
const VIOLATION_STATUSES = ['open', 'acknowledged', 'resolved'];
const BATCH_STATUSES = ['running', 'finished', 'failed', 'abandoned'];

const dataArb = fc.record({
  rollups: fc.uniqueArray(fc.record({ stage: fc.nat(16), service: fc.constantFrom('svc-a', 'svc-b'), ago: fc.nat(12), s: fc.nat(50), f: fc.nat(20), k: fc.nat(5) }),
    { selector: (r) => `${r.stage}/${r.service}/${r.ago}`, maxLength: 40 }),
  rollouts: fc.array(fc.record({ ago: fc.nat(10), outcome: fc.constantFrom('succeeded', 'failed', 'in_progress') }), { maxLength: 30 }),
  classes: fc.array(fc.record({ owner: fc.option(fc.nat(40), { nil: null }), status: fc.constantFrom(...CLASS_STATUSES) }), { maxLength: 25 }),
  violations: fc.array(fc.record({ rule: fc.nat(3), status: fc.constantFrom(...VIOLATION_STATUSES) }), { maxLength: 20 }),
  batches: fc.array(fc.record({ hoursAgo: fc.nat(24 * 9), status: fc.constantFrom(...BATCH_STATUSES), accepted: fc.nat(100), rejected: fc.nat(5) }), { maxLength: 15 }),
  jobs: fc.array(fc.record({ job: fc.constantFrom(...SCHEDULED_JOBS), hoursAgo: fc.nat(24 * 9), status: fc.constantFrom('succeeded', 'failed', 'running') }), { maxLength: 15 }),
});
type Data = typeof dataArb extends fc.Arbitrary<infer T> ? T : never;

async function load(d: Data) {
  const p = t.db.prisma;
  await p.admissionViolation.deleteMany(); await p.admissionRule.deleteMany(); await p.errorClass.deleteMany();
  await p.dailyRollup.deleteMany(); await p.rollout.deleteMany(); await p.ingestBatch.deleteMany(); await p.jobRun.deleteMany();
  await p.dailyRollup.createMany({ data: d.rollups.map((r) => ({ day: addDays(TODAY, -r.ago), stageKey: stages[r.stage % stages.length]!, service: r.service, attempts: r.s + r.f + r.k, successes: r.s, failures: r.f, skips: r.k })) });
  await p.rollout.createMany({ data: d.rollouts.map((r, i) => ({ id: `r${i}`, service: 'svc-a', env: 'online', startedAt: NOW, day: addDays(TODAY, -r.ago), outcome: r.outcome })) });
  await deriveDayRollups(t.db);
  const ownerOf = (n: number | null) => (n === null ? null : owners[n % owners.length]!.id);
  await p.errorClass.createMany({ data: d.classes.map((c, i) => ({ key: `k${i}`, template: `t${i}`, ownerId: ownerOf(c.owner), status: c.status })) });
  const rules = [0, 1, 2, 3].map((i) => ({ id: `rule-${i}`, title: `Rule ${i}`, kind: 'k', severity: 'warning', mode: 'audit', scope: 'host', ownerId: i === 3 ? null : owners[i]!.id }));
  await p.admissionRule.createMany({ data: rules });
  await p.admissionViolation.createMany({ data: d.violations.map((v, i) => ({ ruleId: `rule-${v.rule}`, subjectType: 'host', subjectId: `h${i}`, status: v.status, firstSeen: NOW, lastSeen: NOW })) });
  const ago = (h: number) => new Date(NOW.getTime() - h * 3600_000 - 1000);
  await p.ingestBatch.createMany({ data: d.batches.map((b) => ({ source: 's', format: 'jsonl', startedAt: ago(b.hoursAgo), finishedAt: ago(b.hoursAgo), status: b.status, accepted: b.accepted, rejected: b.rejected })) });
  await p.jobRun.createMany({ data: d.jobs.map((j) => ({ job: j.job, startedAt: ago(j.hoursAgo), finishedAt: ago(j.hoursAgo), status: j.status })) });
}

const teamOf = (id: string | null) => {
  const o = owners.find((x) => x.id === id);
  return !o ? NO_OWNER : o.kind === 'team' ? o.id : (o.teamId ?? NO_OWNER);
};

// A ratio is absent (not NaN) when there is nothing to divide by.
function expectRatio(actual: number | undefined, n: number, of: number) {
  if (of === 0) expect(actual).toBeUndefined();
  else expect(actual).toBeCloseTo(n / of, 9);
}

describe('GET /metrics figures', () => {
  it('equal counts computed independently from the generated rows, with only low-cardinality labels', async () => {
    await fc.assert(fc.asyncProperty(dataArb, async (d) => {
      await load(d);
      const text = (await renderMetrics(t.db, { now: NOW, timeZone: 'UTC', retentionDays: 365 })).body;
      const samples = parsePrometheusText(text);
      for (const s of samples) expect(Object.keys(s.labels).every((l) => ['stage', 'owner', 'team', 'status', 'job', 'window'].includes(l))).toBe(true);
      expect(new Set(samples.map((s) => s.name)).size).toBeLessThanOrEqual(METRIC_NAMES.length);
      for (const [window, days] of [['today', 1], ['7d', 7]] as const) {
        const inWin = <T extends { ago: number }>(rows: T[]) => rows.filter((r) => r.ago < days);
        for (const [i, key] of stages.entries()) {
          const rows = inWin(d.rollups).filter((r) => r.stage % stages.length === i);
          const s = rows.reduce((a, r) => a + r.s, 0), f = rows.reduce((a, r) => a + r.f, 0);
          expect(valueOf(samples, 'rollscope_stage_attempts', { stage: key, window })).toBe(rows.reduce((a, r) => a + r.s + r.f + r.k, 0));
          expect(valueOf(samples, 'rollscope_stage_failures', { stage: key, window })).toBe(f);
          expectRatio(valueOf(samples, 'rollscope_stage_success_ratio', { stage: key, window }), s, s + f);
        }
        const outcomes = inWin(d.rollouts);
        const ok = outcomes.filter((r) => r.outcome === 'succeeded').length, bad = outcomes.filter((r) => r.outcome === 'failed').length;
        expect(valueOf(samples, 'rollscope_rollouts', { status: 'in_progress', window })).toBe(outcomes.length - ok - bad);
        expectRatio(valueOf(samples, 'rollscope_rollout_success_ratio', { window }), ok, ok + bad);
      }
      for (const status of ['open', 'acknowledged']) {
        for (const o of [...owners.map((x) => x.id), null]) {
          const n = d.classes.filter((c) => c.status === status && (c.owner === null ? null : owners[c.owner % owners.length]!.id) === o).length;
          expect(valueOf(samples, 'rollscope_error_classes_open', { owner: o ?? NO_OWNER, team: teamOf(o), status })).toBe(n || undefined);
        }
        const byRuleOwner = (o: string | null) => d.violations.filter((v) => v.status === status && (v.rule === 3 ? null : owners[v.rule]!.id) === o).length;
        for (const o of [owners[0]!.id, owners[1]!.id, owners[2]!.id, null]) {
          expect(valueOf(samples, 'rollscope_admission_violations_open', { owner: o ?? NO_OWNER, team: teamOf(o), status })).toBe(byRuleOwner(o) || undefined);
        }
      }
      for (const [window, hours] of [['24h', 24], ['7d', 168]] as const) {
        const batches = d.batches.filter((b) => b.hoursAgo < hours);
        for (const status of BATCH_STATUSES) expect(valueOf(samples, 'rollscope_ingest_batches', { status, window })).toBe(batches.filter((b) => b.status === status).length);
        expect(valueOf(samples, 'rollscope_ingest_records', { status: 'accepted', window })).toBe(batches.reduce((a, b) => a + b.accepted, 0));
        expect(valueOf(samples, 'rollscope_ingest_records', { status: 'rejected', window })).toBe(batches.reduce((a, b) => a + b.rejected, 0));
      }
      for (const job of SCHEDULED_JOBS) {
        for (const status of ['succeeded', 'failed']) {
          const runs = d.jobs.filter((j) => j.job === job && j.status === status);
          expect(valueOf(samples, 'rollscope_job_runs', { job, status, window: '7d' })).toBe(runs.filter((j) => j.hoursAgo < 168).length);
          const newest = runs.length ? Math.min(...runs.map((j) => j.hoursAgo)) : null;
          const metric = status === 'succeeded' ? 'rollscope_job_last_success_timestamp_seconds' : 'rollscope_job_last_failure_timestamp_seconds';
          expect(valueOf(samples, metric, { job })).toBe(newest === null ? undefined : (NOW.getTime() - newest * 3600_000 - 1000) / 1000);
        }
      }
      const finished = d.batches.filter((b) => b.status === 'finished');
      const newest = finished.length ? Math.min(...finished.map((b) => b.hoursAgo)) : null;
      expect(valueOf(samples, 'rollscope_ingest_last_finished_timestamp_seconds', {})).toBe(newest === null ? undefined : (NOW.getTime() - newest * 3600_000 - 1000) / 1000);
    }), { numRuns: 8 });
  }, 120_000);

  it('lists the retention job (as never ran) only when a retention is set, and any job that recorded runs', async () => {
    const p = t.db.prisma;
    await p.jobRun.deleteMany();
    const retentionRuns = async (retentionDays: number | null) => {
      const samples = parsePrometheusText((await renderMetrics(t.db, { now: NOW, timeZone: 'UTC', retentionDays })).body);
      return samples.filter((s) => s.name === 'rollscope_job_runs' && s.labels.job === 'retention').map((s) => s.value);
    };
    expect(await retentionRuns(null)).toEqual([]);
    expect(await retentionRuns(365)).toEqual([0, 0, 0]);
    const startedAt = new Date(NOW.getTime() - 3_600_000);
    await p.jobRun.create({ data: { job: 'retention', status: 'succeeded', startedAt, finishedAt: startedAt } });
    expect((await retentionRuns(null)).reduce((a, b) => a + b, 0)).toBe(1);
  });
});
