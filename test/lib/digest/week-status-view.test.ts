import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DigestWeekStatus } from '../../../app/(app)/digests/week-status';
import type { DigestWeekSummary } from '../../../lib/digest/list-digests';

const base: DigestWeekSummary = {
  week: '2026-W47',
  state: 'complete',
  interrupted: false,
  counts: { total: 11, sent: 11, failed: 0, pending: 0 },
  runs: 1,
  lastRun: { trigger: 'schedule', status: 'succeeded', startedAt: new Date('2026-11-20T16:00:00Z'), finishedAt: new Date('2026-11-20T16:01:00Z'), error: null },
  nextAttemptAt: null,
  retryUntil: new Date('2026-11-21T16:00:00Z'),
};
const text = (s: Partial<DigestWeekSummary>) => renderToStaticMarkup(createElement(DigestWeekStatus, { status: { ...base, ...s } })).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('what /digests says about a week', () => {
  it('says a complete week is complete, with its last run', () => {
    expect(text({})).toContain('Complete: all 11 messages sent.');
    expect(text({})).toContain('last run (schedule) started 2026-11-20 16:00 UTC, succeeded');
  });

  it('says what is unsent and when the next retry is', () => {
    const t = text({ state: 'retrying', counts: { total: 11, sent: 4, failed: 7, pending: 0 }, nextAttemptAt: new Date('2026-11-20T16:05:00Z'), lastRun: { ...base.lastRun!, status: 'partial' } });
    expect(t).toContain('Incomplete: 7 message(s) not sent yet; next retry at 2026-11-20 16:05 UTC.');
    expect(t).toContain('Messages: 4 sent, 7 failed, 0 pending');
    expect(t).toContain('retries until 2026-11-21 16:00 UTC');
  });

  it('says an interrupted run is run again at once', () => {
    expect(text({ state: 'retrying', interrupted: true, nextAttemptAt: new Date() })).toContain('the run was interrupted (its process stopped); the scheduler runs it again at its next minute');
  });

  it('says when retries gave up at the deadline, and how to send the rest by hand', () => {
    const t = text({ state: 'gave-up', counts: { total: 11, sent: 0, failed: 11, pending: 0 } });
    expect(t).toContain('retries gave up at the deadline (2026-11-21 16:00 UTC): 11 message(s) never sent.');
    expect(t).toContain('npm run digest -- --week 2026-W47');
  });
});
