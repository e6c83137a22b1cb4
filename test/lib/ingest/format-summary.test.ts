import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../lib/ingest/format-summary';
import type { IngestSummary } from '../../../lib/ingest/ingest';

const summary = (admission: IngestSummary['admission']): IngestSummary => ({
  batchId: 1, source: 'a.ndjson', format: 'ndjson', accepted: 10, duplicates: 0, rejected: 0, conflicts: 0, expired: 0, warnings: [], rejections: [], seconds: 1, storeSeconds: 0.5, admission, classification: null, recordsPerSecond: 10,
});

describe('the ingestion summary', () => {
  it('says when the admission pass found breaches, and stays quiet when it found none', () => {
    expect(formatSummary(summary({ findings: 2, opened: 1, reopened: 1, seconds: 0.1 }))).toBe(
      'a.ndjson: 10 accepted, 0 duplicates, 0 rejected in 1.0 s (10 records/s)\n  admission rules: 2 breach(es) found — 1 violation(s) opened, 1 reopened (see /admission)',
    );
    expect(formatSummary(summary({ findings: 0, opened: 0, reopened: 0, seconds: 0.1 }))).toBe('a.ndjson: 10 accepted, 0 duplicates, 0 rejected in 1.0 s (10 records/s)');
  });
});
