import type { IngestSummary } from './ingest';

const n = (x: number) => x.toLocaleString('en-US');

type Counts = { rejected: number; conflicts: number; expired?: number };

// "expired" only when some were: most installs keep everything.
const rejectedText = (s: Counts) => {
  const conflicts = s.conflicts ? ` (${n(s.conflicts)} conflicts)` : '';
  return `${n(s.rejected)} rejected${conflicts}${s.expired ? `, ${n(s.expired)} older than the retention` : ''}`;
};

/** A human-readable summary of one ingestion, or the total of several. */
export function formatSummary(summary: IngestSummary | IngestSummary[]): string {
  if (Array.isArray(summary)) {
    const t = summary.reduce(
      (a, s) => ({
        accepted: a.accepted + s.accepted, duplicates: a.duplicates + s.duplicates, rejected: a.rejected + s.rejected,
        conflicts: a.conflicts + s.conflicts, expired: a.expired + s.expired, seconds: a.seconds + s.seconds,
      }),
      { accepted: 0, duplicates: 0, rejected: 0, conflicts: 0, expired: 0, seconds: 0 },
    );
    const rate = t.seconds > 0 ? Math.round((t.accepted + t.duplicates + t.rejected + t.expired) / t.seconds) : 0;
    return `TOTAL ${summary.length} input(s): ${n(t.accepted)} accepted, ${n(t.duplicates)} duplicates, ${rejectedText(t)} in ${t.seconds.toFixed(1)} s (${n(rate)} records/s)`;
  }
  const lines = [
    `${summary.source}: ${n(summary.accepted)} accepted, ${n(summary.duplicates)} duplicates, ${rejectedText(summary)} in ${summary.seconds.toFixed(1)} s (${n(summary.recordsPerSecond)} records/s)`,
  ];
  const a = summary.admission;
  if (a && a.findings > 0) lines.push(`  admission rules: ${n(a.findings)} breach(es) found — ${n(a.opened)} violation(s) opened, ${n(a.reopened)} reopened (see /admission)`);
  const c = summary.classification;
  if (c && c.events > 0) lines.push(`  classified ${n(c.events)} new failure(s)${c.classesCreated ? `, ${n(c.classesCreated)} new error class(es)` : ''} (see /errors)`);
  for (const w of summary.warnings) lines.push(`  warning: ${w}`);
  for (const r of summary.rejections) lines.push(`  ${r.source}:${r.line}: ${r.kind === 'invalid' ? '' : `${r.kind}: `}${r.field ? `${r.field}: ` : ''}${r.reason}`);
  if (summary.rejected > summary.rejections.length) lines.push(`  … ${n(summary.rejected - summary.rejections.length)} more in the quarantine (ingest batch ${summary.batchId})`);
  return lines.join('\n');
}
