import type { Db } from '../db';
import { backoffDelayMs, type Backoff } from '../jobs/backoff';
import type { Alert } from './alert';
import { channelsFor, type AlertsConfig, type Channel } from './config';
import { sendAlert, type SendDeps } from './send';

/**
 * Exactly-once alerts, as the digest does it: each (activation, channel) message is recorded under
 * a unique key before it is sent and marked sent right after, so a rerun — after a crash or a
 * receiver failure — sends only what is not marked sent. A crash between the receiver's answer and
 * the mark resends the same alert id (Idempotency-Key header, Message-ID), which receivers can drop.
 * A failing send is retried with backoff within the run, then by later runs until GIVE_UP_MS.
 */
export type AlertRetry = { attempts: number; baseDelayMs: number };
export const DEFAULT_ALERT_RETRY: AlertRetry = { attempts: 3, baseDelayMs: 1000 };
/** Between runs: 5, 10, 20 … minutes, at most an hour. */
export const ALERT_BACKOFF: Backoff = { baseMs: 5 * 60_000, maxMs: 60 * 60_000 };
/** An alert a day old is no longer news: stop retrying it. */
export const GIVE_UP_MS = 24 * 3600_000;

export type DeliveryOutcome = { id: number; channel: string; status: 'sent' | 'failed' | 'gave-up'; target?: string; error?: string };

export async function recordAlert(db: Db, alert: Alert, channels: Channel[]): Promise<number> {
  const { trigger, subject, activation, title } = alert;
  for (const c of channels) {
    await db.prisma.alertMessage.upsert({
      where: { trigger_subject_activation_channel: { trigger, subject, activation, channel: c.id } },
      create: { trigger, subject, activation, channel: c.id, channelKind: c.kind, ownerId: alert.owner?.id ?? null, title, alert },
      update: {},
    });
  }
  return channels.length;
}

export type DeliverOptions = {
  db: Db;
  config: AlertsConfig;
  send: SendDeps;
  now: Date;
  retry?: AlertRetry;
  backoff?: Backoff;
  clock?: () => Date;
  /** Before each attempt; throwing stops the delivery (a lost lease). */
  beforeSend?: () => Promise<void>;
  /** Between a successful send and its mark (tests simulate a crash there). */
  beforeMarkSent?: (messageId: number) => Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends every message not sent yet whose retry is due. */
export async function deliverPendingAlerts(o: DeliverOptions): Promise<DeliveryOutcome[]> {
  const clock = o.clock ?? (() => new Date());
  const due = await o.db.prisma.alertMessage.findMany({
    where: { status: { in: ['pending', 'failed'] }, OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: o.now } }] },
    orderBy: { id: 'asc' },
  });
  const emails = new Map((await o.db.prisma.owner.findMany({ select: { id: true, email: true } })).map((w) => [w.id, w.email || null]));
  const outcomes: DeliveryOutcome[] = [];
  for (const m of due) {
    const channel = channelsFor(o.config, m.ownerId).find((c) => c.id === m.channel);
    if (!channel || o.now.getTime() - m.createdAt.getTime() > GIVE_UP_MS) {
      const error = channel ? `not sent within ${GIVE_UP_MS / 3600_000} hours` : 'the channel is no longer configured (alerts file or Settings)';
      const data = { status: 'gave-up', lastError: m.lastError ?? error, nextAttemptAt: null };
      await o.db.prisma.alertMessage.update({ where: { id: m.id }, data });
      outcomes.push({ id: m.id, channel: m.channel, status: 'gave-up', error });
      continue;
    }
    const retry = o.retry ?? DEFAULT_ALERT_RETRY;
    let lastError = '';
    let done: DeliveryOutcome | null = null;
    for (let attempt = 1; attempt <= retry.attempts && !done; attempt += 1) {
      await o.beforeSend?.();
      await o.db.prisma.alertMessage.update({ where: { id: m.id }, data: { lastAttemptAt: clock(), attempts: { increment: 1 } } });
      try {
        const ownerEmail = m.ownerId ? (emails.get(m.ownerId) ?? null) : null;
        const target = await sendAlert(channel, m.alert as unknown as Alert, ownerEmail, o.send);
        await o.beforeMarkSent?.(m.id);
        const data = { status: 'sent', sentAt: clock(), lastError: null, nextAttemptAt: null };
        await o.db.prisma.alertMessage.update({ where: { id: m.id }, data });
        done = { id: m.id, channel: m.channel, status: 'sent', target };
      } catch (error) {
        if (error instanceof Error && error.name !== 'ChannelError') throw error;
        lastError = (error as Error).message;
        await o.db.prisma.alertMessage.update({ where: { id: m.id }, data: { lastError } });
        if (attempt < retry.attempts) await sleep(retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
    if (!done) {
      const failures = (await o.db.prisma.alertMessage.findUniqueOrThrow({ where: { id: m.id } })).attempts;
      const pause = backoffDelayMs(Math.ceil(failures / retry.attempts), o.backoff ?? ALERT_BACKOFF);
      const next = new Date(clock().getTime() + pause);
      await o.db.prisma.alertMessage.update({ where: { id: m.id }, data: { status: 'failed', nextAttemptAt: next } });
      done = { id: m.id, channel: m.channel, status: 'failed', error: lastError };
    }
    outcomes.push(done);
  }
  return outcomes;
}
