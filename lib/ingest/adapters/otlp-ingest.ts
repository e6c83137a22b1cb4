import type { CheckedLine } from '../check';
import { ingestLines, type IngestSummary } from '../ingest';
import type { IngestRecord } from '../record';
import type { IngestTarget } from '../sources';
import { validateRecord } from '../validate';
import { numberAttempts } from './otlp-attempts';
import { spansOf } from './otlp-decode';
import { mapSpan, type MappedSpan } from './otlp-map';
import type { StageMap } from './stage-map';

/** What one OTLP export did: the ingestion summary, and how many spans were pipeline runs (counted, not stored). */
export type OtlpIngestResult = { summary: IngestSummary; spans: number; pipelineRuns: number };

/**
 * Ingests one decoded ExportTraceServiceRequest: every span becomes a validated record (stored
 * idempotently under its trace and span id), a pipeline run, or a quarantined reject with the reason,
 * in one ingestion batch whose "lines" are the spans' positions in the request.
 */
export async function ingestOtlpRequest(
  target: IngestTarget,
  opts: { source: string; request: unknown; stageMap: StageMap },
): Promise<OtlpIngestResult> {
  const { spans, undecoded } = spansOf(opts.request);
  const mapped: MappedSpan[] = spans.map((s) => mapSpan(s, opts.stageMap));
  const lines: CheckedLine[] = undecoded.map((u) => ({ ok: false, line: u.index, field: u.field, reason: u.reason, raw: u.raw }));
  const valid: { record: IngestRecord; explicitAttempt: boolean }[] = [];
  for (const m of mapped) {
    if (m.kind === 'reject') lines.push({ ok: false, line: m.index, field: m.field, reason: m.reason, raw: m.raw });
    if (m.kind !== 'task') continue;
    const checked = validateRecord(m.record as Record<string, unknown>, target.stages);
    if (!checked.ok) {
      lines.push({ ok: false, line: m.index, field: checked.field, reason: checked.reason, raw: m.raw });
      continue;
    }
    lines.push({ ok: true, line: m.index, record: checked.record, raw: m.raw });
    valid.push({ record: checked.record, explicitAttempt: m.explicitAttempt });
  }
  // Only runs that will be stored count as earlier attempts of their task.
  await numberAttempts(target.db, valid);
  lines.sort((a, b) => a.line - b.line);
  async function* once(): AsyncGenerator<CheckedLine[]> {
    yield lines;
  }
  const summary = await ingestLines({ ...target, source: opts.source, format: 'json', lines: once() });
  return { summary, spans: spans.length + undecoded.length, pipelineRuns: mapped.filter((m) => m.kind === 'pipeline').length };
}
