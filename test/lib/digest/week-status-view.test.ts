import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DigestWeekStatus } from '../../../app/(app)/digests/week-status';
import { formatDelivered, formatDeliveryStatus, type DigestWeekSummary } from '../../../lib/digest/list-digests';
import fc from 'fast-check';

const base: DigestWeekSummary = {
  week: '2026-W47',
  state: 'complete',
  interrupted: false,
  counts: { total: 11, sent: 11, outbox: 0, failed: 0, pending: 0 },
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

  it('says messages written to the outbox folder were not mailed, never that they were sent', () => {
    const all = text({ counts: { total: 11, sent: 11, outbox: 11, failed: 0, pending: 0 } });
    expect(all).toContain('Complete: all 11 messages written to the outbox folder (no SMTP server was configured, so none was mailed).');
    expect(all).toContain('Messages: 11 written to outbox, 0 failed');
    expect(all).not.toMatch(/\b11 sent\b|messages sent/);
    const mixed = text({ counts: { total: 11, sent: 11, outbox: 4, failed: 0, pending: 0 } });
    expect(mixed).toContain('Complete: all 11 messages delivered (7 sent, 4 written to outbox).');
  });

  it('says what is unsent and when the next retry is', () => {
    const t = text({ state: 'retrying', counts: { total: 11, sent: 4, outbox: 0, failed: 7, pending: 0 }, nextAttemptAt: new Date('2026-11-20T16:05:00Z'), lastRun: { ...base.lastRun!, status: 'partial' } });
    expect(t).toContain('Incomplete: 7 message(s) not sent yet; next retry at 2026-11-20 16:05 UTC.');
    expect(t).toContain('Messages: 4 sent, 7 failed, 0 pending');
    expect(t).toContain('retries until 2026-11-21 16:00 UTC');
  });

  it('says an interrupted run is run again at once', () => {
    expect(text({ state: 'retrying', interrupted: true, nextAttemptAt: new Date() })).toContain('the run was interrupted (its process stopped); the scheduler runs it again at its next minute');
  });

  it('says when retries gave up at the deadline, and how to send the rest by hand', () => {
    const t = text({ state: 'gave-up', counts: { total: 11, sent: 0, outbox: 0, failed: 11, pending: 0 } });
    expect(t).toContain('retries gave up at the deadline (2026-11-21 16:00 UTC): 11 message(s) never sent.');
    expect(t).toContain('npm run digest -- --week 2026-W47');
  });
});

describe('formatDeliveryStatus and formatDelivered', () => {
  it('call a message the outbox mailer wrote "written to outbox", and every other status by its name', () => {
    expect(formatDeliveryStatus({ status: 'sent', outboxPath: '/data/outbox/x.eml' })).toBe('written to outbox');
    expect(formatDeliveryStatus({ status: 'sent', outboxPath: null })).toBe('sent');
    for (const status of ['failed', 'pending']) expect(formatDeliveryStatus({ status, outboxPath: '/x.eml' })).toBe(status);
  });

  it('count what was mailed and what was only written, without losing a message', () => {
    fc.assert(fc.property(fc.nat(500), fc.nat(500), (mailed, written) => {
      const words = formatDelivered({ sent: mailed + written, outbox: written });
      const figures = [...words.matchAll(/(\d+) (sent|written to outbox)/g)];
      expect(figures.reduce((n, m) => n + Number(m[1]), 0)).toBe(mailed + written);
      expect(words.includes('written to outbox')).toBe(written > 0);
    }));
  });
});
