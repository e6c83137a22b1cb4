import type { AdmissionPolicy } from '../../lib/admission/config';
import type { Db } from '../../lib/db';
import type { IngestSummary } from '../../lib/ingest/ingest';
import { ingestItems, prepareIngest } from '../../lib/ingest/sources';

export type RunSpec = {
  rollout: string;
  stage: string;
  status?: 'succeeded' | 'failed' | 'skipped';
  at: string;
  attempt?: number;
  service?: string;
  host?: string;
  message?: string;
  code?: string;
  attrs?: Record<string, string | number>;
  env?: 'test' | 'prerelease' | 'online';
  durationMs?: number;
  manual?: boolean;
};

/**
 * Ingests stage runs given in a compact form; fails the test when any is rejected. The admission
 * pass after ingestion runs only with `admission` (a policy), the classification only with `classify`.
 */
export async function ingestRuns(db: Db, runs: RunSpec[], timeZone = 'UTC', opts: { admission?: AdmissionPolicy; classify?: boolean } = {}): Promise<IngestSummary> {
  const target = { ...(await prepareIngest(db, { chainFile: null, timeZone, maxLineBytes: 65536 }, { admission: false, classify: opts.classify ?? false })), admission: opts.admission ?? null };
  const items = runs.map((r) => ({
    rollout: r.rollout,
    service: r.service ?? 'feed-api',
    stage: r.stage,
    attempt: r.attempt ?? 1,
    status: r.status ?? (r.message ? 'failed' : 'succeeded'),
    startedAt: r.at,
    durationMs: r.durationMs ?? 1000,
    host: r.host,
    env: r.env,
    errorMessage: r.message,
    errorCode: r.code,
    attrs: r.attrs,
    manual: r.manual,
  }));
  const summary = await ingestItems(target, { source: 'test', items });
  if (summary.rejected > 0) throw new Error(`test data rejected: ${JSON.stringify(summary.rejections)}`);
  return summary;
}
