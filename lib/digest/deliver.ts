import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { smtpReply, type Mailer } from '../mail/mailer';
import { renderHtml, renderText } from './blocks';
import type { DigestDraft } from './sections';

export type RetryPolicy = { attempts: number; baseDelayMs: number };
export type DeliveryResult = { sent: number; failed: number; skipped: number; messages: { recipient: string; kind: string; subject: string; status: 'sent' | 'failed' | 'skipped'; error?: string }[] };

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 2000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A stable Message-ID per (week, recipient, kind): a resend after a crash carries the same id, so clients can drop it. */
export function digestMessageId(week: string, recipient: string, kind: string): string {
  const hash = createHash('sha256').update(`${week}\u0000${recipient}\u0000${kind}`).digest('hex').slice(0, 16);
  return `<digest.${week}.${kind}.${hash}@rollscope>`;
}

/**
 * Sends a week's messages exactly once per (week, recipient, kind): each is recorded (unique key)
 * before it is sent and marked sent right after, so a rerun — also after a crash or an SMTP failure
 * mid-run — sends only what was not sent yet. A failing send is retried with exponential backoff,
 * then recorded as failed with the server's reply; the next run tries it again.
 */
export async function deliverDigest(opts: {
  db: Db;
  mailer: Mailer;
  week: string;
  from: string;
  drafts: DigestDraft[];
  runId: number | null;
  retry?: RetryPolicy;
  onMessage?: (m: DeliveryResult['messages'][number]) => void | Promise<void>;
  /** Called before every send attempt; throwing stops the delivery (a lost lease: another process sends now). */
  beforeSend?: () => Promise<void>;
  clock?: () => Date;
}): Promise<DeliveryResult> {
  const retry = opts.retry ?? DEFAULT_RETRY;
  const result: DeliveryResult = { sent: 0, failed: 0, skipped: 0, messages: [] };
  for (const draft of opts.drafts) {
    const key = { week_recipient_kind: { week: opts.week, recipient: draft.recipient, kind: draft.kind } };
    const stored = await opts.db.prisma.digestMessage.upsert({
      where: key,
      create: { week: opts.week, recipient: draft.recipient, kind: draft.kind, ownerId: draft.ownerId, subject: draft.subject, html: renderHtml(draft.email), text: renderText(draft.email), runId: opts.runId },
      update: {},
    });
    let outcome: DeliveryResult['messages'][number];
    if (stored.status === 'sent') {
      outcome = { recipient: draft.recipient, kind: draft.kind, subject: stored.subject, status: 'skipped' };
      result.skipped += 1;
    } else {
      outcome = await sendWithRetry(opts, stored, retry);
      result[outcome.status === 'sent' ? 'sent' : 'failed'] += 1;
    }
    result.messages.push(outcome);
    await opts.onMessage?.(outcome);
  }
  return result;
}

type Stored = { id: number; recipient: string; kind: string; subject: string; html: string; text: string; attempts: number };
type SendOptions = { db: Db; mailer: Mailer; week: string; from: string; runId: number | null; beforeSend?: () => Promise<void>; clock?: () => Date };

async function sendWithRetry(opts: SendOptions, m: Stored, retry: RetryPolicy): Promise<DeliveryResult['messages'][number]> {
  const clock = opts.clock ?? (() => new Date());
  let lastError = '';
  for (let attempt = 1; attempt <= retry.attempts; attempt += 1) {
    // Outside the try: a lost lease is not a failed send, it ends this delivery.
    await opts.beforeSend?.();
    await opts.db.prisma.digestMessage.update({ where: { id: m.id }, data: { lastAttemptAt: clock() } });
    try {
      const sent = await opts.mailer.send({
        from: opts.from, to: m.recipient, subject: m.subject, html: m.html, text: m.text,
        messageId: digestMessageId(opts.week, m.recipient, m.kind), fileName: `${opts.week}/${m.kind}-${slug(m.recipient)}.eml`,
      });
      await opts.db.prisma.digestMessage.update({
        where: { id: m.id },
        data: { status: 'sent', attempts: m.attempts + attempt, messageId: sent.messageId, outboxPath: sent.outboxPath, sentAt: clock(), lastError: null, runId: opts.runId },
      });
      return { recipient: m.recipient, kind: m.kind, subject: m.subject, status: 'sent' };
    } catch (error) {
      lastError = smtpReply(error);
      await opts.db.prisma.digestMessage.update({ where: { id: m.id }, data: { attempts: m.attempts + attempt, lastError } });
      if (attempt < retry.attempts) await sleep(retry.baseDelayMs * 2 ** (attempt - 1));
    }
  }
  await opts.db.prisma.digestMessage.update({ where: { id: m.id }, data: { status: 'failed', runId: opts.runId } });
  return { recipient: m.recipient, kind: m.kind, subject: m.subject, status: 'failed', error: lastError };
}
