import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { Db } from '../../db';
import type { Settings } from '../../env';
import { HttpError, ValidationError } from '../../errors';
import { checkLines } from '../check';
import { ingestLines, type IngestSummary } from '../ingest';
import type { ParsedLine } from '../parse';
import type { IngestRecordInput } from '../record';
import { prepareIngest } from '../sources';

/**
 * What the CI webhook adapters (github.ts, gitlab.ts) share: one job of a payload becomes a record
 * or a rejection with its reason; the records go through the one ingestion path (lib/ingest/ingest.ts),
 * so nothing downstream knows where they came from.
 */
export type AdaptedJob = { ok: true; record: IngestRecordInput } | { ok: false; field: string | null; reason: string; job: unknown };
/** A payload's jobs (to store or quarantine), those not finished yet (not stored now), or the reason nothing applies. */
export type Adapted = { source: string; jobs: AdaptedJob[]; notFinished: string[] } | { ignored: string };

export type WebhookDeps = { db: Db; settings: Pick<Settings, 'maxBodyBytes' | 'maxLineBytes' | 'chainFile' | 'timeZone' | 'admissionFile'> & Partial<Pick<Settings, 'retentionDays'>> };

/**
 * A webhook whose secret is not set: the endpoint is off, 404 with the setting that turns it on (not
 * a 5xx: nothing is wrong with the server, and no request, however odd, gets a 5xx here).
 */
export class NotConfiguredError extends HttpError {
  constructor(what: string, setting: string) {
    super(404, `${what} webhooks are not configured: set ${setting} to the secret configured on the webhook`);
  }
}

/** GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, checked in constant time. */
export function hmacSha256Matches(secret: string, body: Buffer, header: string | null): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header.trim())) return false;
  const given = Buffer.from(header.trim().slice(7).toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected);
}

/** The signature GitHub sends for a body (for tests and for senders that replay deliveries). */
export const signGithubBody = (secret: string, body: Buffer | string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A JSON body as an object; a body that is not JSON or not an object is 400. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ValidationError(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates a payload with its schema; a failure is 400 naming the field path. */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, event: string): z.output<T> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : '(body)';
  throw new ValidationError(`malformed ${event} payload: ${field}: ${issue.message}`);
}

/**
 * The env of a job from the environment (name and, on GitLab, tier) it deploys to: testing or
 * development → test, staging or a pre-release/canary name → prerelease, anything else (production
 * included) → online; a job without an environment is `online`. The README's webhook section has the table.
 */
export function envOfEnvironment(name: string | null | undefined, tier?: string | null): 'test' | 'prerelease' | 'online' {
  const t = (tier ?? '').toLowerCase();
  if (t === 'testing' || t === 'development') return 'test';
  if (t === 'staging') return 'prerelease';
  if (t === 'production') return 'online';
  const n = (name ?? '').trim().toLowerCase();
  if (/^(test|testing|dev|development|qa|ci|review)\b/.test(n)) return 'test';
  if (/^(stag|staging|pre-?prod|pre-?release|canary|beta|uat)/.test(n)) return 'prerelease';
  return 'online';
}


export type WebhookAnswer = { event: string; summary: IngestSummary; notFinished: string[] };

/** Ingests an adapted payload as one batch (source github:<repo> / gitlab:<project>); jobs are numbered from 1. */
export async function ingestAdapted(deps: WebhookDeps, adapted: Extract<Adapted, { jobs: AdaptedJob[] }>): Promise<IngestSummary> {
  const target = await prepareIngest(deps.db, deps.settings);
  const parsed: ParsedLine[] = adapted.jobs.map((job, i) => {
    if (job.ok) return { ok: true, line: i + 1, value: job.record as Record<string, unknown>, raw: JSON.stringify(job.record) };
    return { ok: false, line: i + 1, field: job.field, reason: job.reason, raw: JSON.stringify(job.job) ?? '' };
  });
  const lines = checkLines([parsed], { format: 'json', stages: target.stages });
  return ingestLines({ ...target, source: adapted.source, format: 'json', lines });
}

/** The answer to a delivery: 202 with the reason when nothing of it applies, else 200 with the ingestion summary. */
export async function answerAdapted(deps: WebhookDeps, event: string, adapted: Adapted): Promise<Response> {
  if ('ignored' in adapted) return Response.json({ event, ignored: true, reason: adapted.ignored }, { status: 202 });
  if (adapted.jobs.length === 0) {
    const reason = `nothing finished yet (${adapted.notFinished.join('; ')}): jobs are stored when they finish`;
    return Response.json({ event, ignored: true, reason, notFinished: adapted.notFinished }, { status: 202 });
  }
  const summary = await ingestAdapted(deps, adapted);
  return Response.json({ event, summary, notFinished: adapted.notFinished } satisfies WebhookAnswer);
}

/** An ISO instant from GitLab's "2016-08-12 15:26:12 UTC" or an ISO string; null when absent or unreadable. */
export function isoOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(UTC|Z|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  if (!m) return null;
  const zone = m[4] === 'UTC' || m[4] === 'Z' ? 'Z' : m[4]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  // Whole seconds: GitLab's Pipeline and Job hooks give the same job's times with and without milliseconds.
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
