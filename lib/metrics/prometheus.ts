import { Gauge, Registry } from 'prom-client';
import type { Db } from '../db';
import { ratio } from '../format';
import { getScrapeFigures, type Sample, type ScrapeFigures, type ScrapeOptions } from './scrape-figures';

/**
 * GET /metrics in the Prometheus text format. Every value is a gauge set from the database at
 * scrape time on a fresh Registry (nothing is kept between scrapes, so several web processes
 * agree). Labels are only stage, owner, team, status, job and window: no rollout, host or service,
 * so the series count stays that of the chain and the owners.
 */
type MetricDef = { name: string; help: string; labels: string[]; samples: (f: ScrapeFigures) => Sample[] };

type Labels = Record<string, string>;

/** Sums `parts` per key into n (where `n` holds) of all, and gives each key its ratio; none where all is 0. */
function ratios(parts: Sample[], keyOf: (l: Labels) => string, n: (l: Labels) => boolean): Sample[] {
  const sums = new Map<string, { labels: Labels; n: number; of: number }>();
  for (const s of parts) {
    const key = keyOf(s.labels);
    const sum = sums.get(key) ?? { labels: JSON.parse(key) as Labels, n: 0, of: 0 };
    sum.of += s.value;
    if (n(s.labels)) sum.n += s.value;
    sums.set(key, sum);
  }
  return [...sums.values()].flatMap((s) => {
    const value = ratio(s.n, s.of);
    return value === null ? [] : [{ labels: s.labels, value }];
  });
}

const stageRatio = (f: ScrapeFigures) => ratios(
  [...f.stageSuccesses.map((s) => ({ ...s, labels: { ...s.labels, kind: 'ok' } })), ...f.stageFailures],
  (l) => JSON.stringify({ stage: l.stage, window: l.window }), (l) => l.kind === 'ok',
);
// End-to-end: finished rollouts only; the ones still in progress have no outcome yet.
const rolloutRatio = (f: ScrapeFigures) => ratios(
  f.rollouts.filter((s) => s.labels.status !== 'in_progress'),
  (l) => JSON.stringify({ window: l.window }), (l) => l.status === 'succeeded',
);

const def = (name: string, labels: string[], help: string, samples: MetricDef['samples']): MetricDef => ({
  name, help, labels, samples,
});
const STAGE = ['stage', 'window'];
const OWNER = ['owner', 'team', 'status'];
const WINDOWED = ['status', 'window'];
const absentIfNull = (value: number | null): Sample[] => (value === null ? [] : [{ labels: {}, value }]);

export const METRICS: readonly MetricDef[] = [
  def(
    'rollscope_stage_attempts', STAGE,
    'Stage attempts (succeeded, failed, skipped) in the window',
    (f) => f.stageAttempts,
  ),
  def('rollscope_stage_successes', STAGE, 'Stage attempts that succeeded in the window', (f) => f.stageSuccesses),
  def('rollscope_stage_failures', STAGE, 'Stage attempts that failed in the window', (f) => f.stageFailures),
  def(
    'rollscope_stage_success_ratio', STAGE,
    'Successes / (successes + failures); absent without finished attempts',
    stageRatio,
  ),
  def(
    'rollscope_rollouts', WINDOWED,
    'Rollouts started in the window by outcome (succeeded, failed, in_progress)',
    (f) => f.rollouts,
  ),
  def(
    'rollscope_rollout_success_ratio', ['window'],
    'End-to-end success: succeeded / finished rollouts started in the window',
    rolloutRatio,
  ),
  def(
    'rollscope_error_classes_open', OWNER,
    'Error classes open or acknowledged, by owning team or person',
    (f) => f.openClasses,
  ),
  def(
    'rollscope_admission_violations_open', OWNER,
    'Admission violations open or acknowledged, by their rule\'s owner',
    (f) => f.openViolations,
  ),
  def('rollscope_ingest_batches', WINDOWED, 'Ingest batches started in the window by status', (f) => f.ingestBatches),
  def(
    'rollscope_ingest_records', WINDOWED,
    'Records of batches started in the window (accepted, duplicate, rejected, conflict)',
    (f) => f.ingestRecords,
  ),
  def(
    'rollscope_ingest_last_finished_timestamp_seconds', [],
    'When the newest finished ingest batch ended (Unix time)',
    (f) => absentIfNull(f.ingestLastFinished),
  ),
  def(
    'rollscope_job_runs', ['job',
    'status', 'window'], 'Scheduled job runs started in the window by outcome',
    (f) => f.jobRuns,
  ),
  def(
    'rollscope_job_last_success_timestamp_seconds', ['job'],
    'When the job last succeeded (Unix time)',
    (f) => f.jobLastSuccess,
  ),
  def(
    'rollscope_job_last_failure_timestamp_seconds', ['job'],
    'When the job last failed (Unix time)',
    (f) => f.jobLastFailure,
  ),
];

export const METRIC_NAMES: readonly string[] = [...METRICS.map((m) => m.name), 'rollscope_scrape_duration_seconds'];

/** A registry holding every metric, set from `figures`. */
export function buildRegistry(figures: ScrapeFigures, scrapeSeconds: number): Registry {
  const registry = new Registry();
  for (const m of METRICS) {
    const samples = m.samples(figures);
    // prom-client prints an unlabelled gauge as 0 until set: leave it out instead, "absent" is the truth.
    if (m.labels.length === 0 && samples.length === 0) continue;
    const gauge = new Gauge({ name: m.name, help: m.help, labelNames: m.labels, registers: [registry] });
    for (const s of samples) gauge.set(s.labels, s.value);
  }
  const help = 'Time the database reads of this scrape took';
  const duration = new Gauge({ name: 'rollscope_scrape_duration_seconds', help, registers: [registry] });
  duration.set(scrapeSeconds);
  return registry;
}

/** The /metrics body and its content type. */
export async function renderMetrics(db: Db, opts: ScrapeOptions) {
  const started = performance.now();
  const figures = await getScrapeFigures(db, opts);
  const registry = buildRegistry(figures, (performance.now() - started) / 1000);
  return { body: await registry.metrics(), contentType: registry.contentType };
}
