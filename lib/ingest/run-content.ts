import type { IngestRecord } from './record';

/**
 * A stage run's content as it is stored — what decides whether a record whose key is already
 * stored is a duplicate (the same content, ingested again) or a conflict (other content under the
 * same key). Instants are compared in milliseconds and attributes as sets of pairs, so the stored
 * form (SQLite text, PostgreSQL jsonb with its own key order) compares equal to the record.
 */
export type RunContent = {
  rollout: string;
  service: string;
  stage: string;
  attempt: number;
  status: string;
  env: string;
  host: string | null;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  errorMessage: string | null;
  errorCode: string | null;
  manual: boolean;
  attrs: string | null;
};

/** A StageRun row as read back for the comparison. */
export type StoredRun = {
  key: string;
  rolloutId: string;
  service: string;
  stageKey: string;
  attempt: number | bigint;
  status: string;
  env: string;
  host: string | null;
  startedAt: Date | string;
  finishedAt: Date | string | null;
  durationMs: number | bigint | null;
  errorMessage: string | null;
  errorCode: string | null;
  manual: boolean | number | bigint;
  attrs: unknown;
};

export const STORED_RUN_COLUMNS = '"key","rolloutId","service","stageKey","attempt","status","env","host","startedAt","finishedAt","durationMs","errorMessage","errorCode","manual","attrs"';

/** Attributes in one canonical text: pairs sorted by name. */
function canonicalAttrs(attrs: unknown): string | null {
  if (attrs === null || attrs === undefined) return null;
  const value = typeof attrs === 'string' ? (JSON.parse(attrs) as unknown) : attrs;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  return JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const instant = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());

/** The content of a record as storeRecords writes it (finishedAt and durationMs derived from each other). */
export function contentOfRecord(r: IngestRecord, startedAt: number, finishedAt: number | null): RunContent {
  return {
    rollout: r.rollout, service: r.service, stage: r.stage, attempt: r.attempt, status: r.status, env: r.env, host: r.host ?? null,
    startedAt, finishedAt, durationMs: r.durationMs ?? (finishedAt !== null ? finishedAt - startedAt : null),
    errorMessage: r.errorMessage ?? null, errorCode: r.errorCode ?? null, manual: r.manual, attrs: canonicalAttrs(r.attrs),
  };
}

export function contentOfStored(s: StoredRun): RunContent {
  return {
    rollout: s.rolloutId, service: s.service, stage: s.stageKey, attempt: Number(s.attempt), status: s.status, env: s.env, host: s.host,
    startedAt: instant(s.startedAt)!, finishedAt: instant(s.finishedAt), durationMs: s.durationMs === null ? null : Number(s.durationMs),
    errorMessage: s.errorMessage, errorCode: s.errorCode, manual: Boolean(s.manual), attrs: canonicalAttrs(s.attrs),
  };
}

/** The fields (record names) in which two contents differ; empty when they are the same run. */
export function differingFields(a: RunContent, b: RunContent): string[] {
  return (Object.keys(a) as (keyof RunContent)[]).filter((k) => a[k] !== b[k]);
}
