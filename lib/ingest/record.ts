import { z } from 'zod';

/**
 * One input record: one attempt of one stage in a rollout. The same schema validates NDJSON lines,
 * CSV rows (after lib/ingest/csv-row.ts turns their strings into typed values) and HTTP bodies.
 * The README's "Input format" section documents these fields.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What both databases can store, checked here so that a record is either refused with its field
 * named or stored — never accepted and then failed at store time. The README's "Input format"
 * section documents these limits.
 */
export const RECORD_LIMITS = {
  /** Earliest and latest instant (exclusive) of startedAt and finishedAt: the dates the dashboard offers (lib/http/fields.ts). */
  minTime: Date.UTC(2000, 0, 1),
  maxTime: Date.UTC(2100, 0, 1),
  /** PostgreSQL's integer column: 2,147,483,647 ms is 24.8 days. */
  maxDurationMs: 2_147_483_647,
  maxAttrs: 64,
  maxAttrKeyLength: 100,
  maxAttrValueLength: 2_048,
  maxErrorMessageLength: 16_384,
} as const;

// NUL cannot be stored in PostgreSQL text; an unpaired surrogate is not Unicode (the drivers would replace it).
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

/** Why a string cannot be stored as it is, with the position, or null when it can. */
export function unstorableText(text: string): string | null {
  if (!SUSPECT.test(text)) return null;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0) return `contains a NUL character (\\u0000) at position ${i + 1}, which cannot be stored`;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) return `contains an unpaired surrogate (\\u${c.toString(16)}) at position ${i + 1}, which is not valid Unicode`;
  }
  return null;
}

/** A string of at most `max` characters that both databases store as it is (also for other request bodies). */
export const storableString = (max: number, min = 1) =>
  z.string().min(min).max(max).superRefine((value, ctx) => {
    const problem = unstorableText(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const TIME_RANGE = 'must be from 2000-01-01T00:00:00Z up to (not including) 2100-01-01T00:00:00Z';
const inTimeRange = (ms: number) => ms >= RECORD_LIMITS.minTime && ms < RECORD_LIMITS.maxTime;
// The record's own string fields, checked for storable text in the record's refinement: one check
// per record instead of one refinement per field (validation is on ingestion's hot path).
const TEXT_FIELDS = ['id', 'rollout', 'service', 'stage', 'host', 'errorMessage', 'errorCode'] as const;

// A hand-written check: z.record(z.string(), z.union(...)) copies every attrs object and was the
// most expensive part of validating a record (validation runs ~40% faster with this check).
const attrsSchema = z
  .custom<Record<string, string | number>>(isObject, { error: 'must be a flat JSON object of strings and numbers' })
  .superRefine((attrs, ctx) => {
    let keys = 0;
    for (const key in attrs) {
      keys += 1;
      const v: unknown = attrs[key];
      const keyProblem = key.length === 0 || key.length > RECORD_LIMITS.maxAttrKeyLength ? `names must be 1 to ${RECORD_LIMITS.maxAttrKeyLength} characters` : unstorableText(key);
      if (keyProblem) ctx.addIssue({ code: 'custom', path: [key], message: `attribute name ${keyProblem}` });
      else if (typeof v === 'string') {
        const problem = v.length > RECORD_LIMITS.maxAttrValueLength ? `is longer than ${RECORD_LIMITS.maxAttrValueLength} characters` : unstorableText(v);
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      } else if (!(typeof v === 'number' && Number.isFinite(v))) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'must be a string or a number (attrs is a flat object)' });
      }
    }
    if (keys > RECORD_LIMITS.maxAttrs) ctx.addIssue({ code: 'custom', message: `has ${keys} attributes, more than ${RECORD_LIMITS.maxAttrs}` });
  });

export const ingestRecordSchema = z
  .object({
    id: z.string().min(1).max(200).optional(),
    rollout: z.string().min(1).max(200),
    service: z.string().min(1).max(200),
    stage: z.string().min(1).max(100),
    attempt: z.number().int().min(1).max(1000).default(1),
    status: z.enum(['succeeded', 'failed', 'skipped']),
    startedAt: z.iso.datetime({ offset: true }),
    finishedAt: z.iso.datetime({ offset: true }).optional(),
    durationMs: z.number().int().min(0).max(RECORD_LIMITS.maxDurationMs).optional(),
    host: z.string().min(1).max(255).optional(),
    env: z.enum(['test', 'prerelease', 'online']).default('online'),
    errorMessage: z.string().max(RECORD_LIMITS.maxErrorMessageLength).optional(),
    errorCode: z.string().max(200).optional(),
    manual: z.boolean().default(false),
    attrs: attrsSchema.optional(),
  })
  .superRefine((r, ctx) => {
    for (const field of TEXT_FIELDS) {
      const value = r[field];
      const problem = value === undefined ? null : unstorableText(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
    }
    if (r.status === 'failed' && !r.errorMessage?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['errorMessage'], message: 'is required when status is "failed"' });
    }
    const started = Date.parse(r.startedAt);
    const finished = r.finishedAt ? Date.parse(r.finishedAt) : null;
    if (!inTimeRange(started)) ctx.addIssue({ code: 'custom', path: ['startedAt'], message: TIME_RANGE });
    else if (finished !== null && !inTimeRange(finished)) ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: TIME_RANGE });
    else if (finished !== null) {
      if (finished < started) ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: 'is before startedAt' });
      else if (r.durationMs === undefined && finished - started > RECORD_LIMITS.maxDurationMs) {
        ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: `is more than ${RECORD_LIMITS.maxDurationMs} ms (24.8 days) after startedAt: give durationMs, or split the attempt` });
      }
    } else if (r.durationMs !== undefined && !inTimeRange(started + r.durationMs)) {
      ctx.addIssue({ code: 'custom', path: ['durationMs'], message: 'puts the end of the attempt past 2100-01-01T00:00:00Z' });
    }
  });

/** A record as written by producers (defaults not yet applied). */
export type IngestRecordInput = z.input<typeof ingestRecordSchema>;
/** A validated record. */
export type IngestRecord = z.output<typeof ingestRecordSchema>;

/** The fields of the input format, in the order CSV writers should use for their header. */
export const RECORD_FIELDS = [
  'id', 'rollout', 'service', 'stage', 'attempt', 'status', 'startedAt', 'finishedAt', 'durationMs',
  'host', 'env', 'errorMessage', 'errorCode', 'manual', 'attrs',
] as const;
