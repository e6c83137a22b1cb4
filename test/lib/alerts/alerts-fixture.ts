import { parseAlertsConfig, type AlertsConfig } from '../../../lib/alerts/config';
import { createMailer, type Mailer } from '../../../lib/mail/mailer';
import type { Db } from '../../../lib/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';
import type { TestReceiver } from '../../helpers/http-receiver';

/** Shared set-up of the alerts tests: a class owned by "build", failed rollouts per day, the config. */
export const BASE_URL = 'http://rollscope.test';
export const SETTINGS = { baseUrl: BASE_URL, timeZone: 'UTC', targets: { stageSuccessRate: 0 } };
export const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };
export const DAY_MS = 86_400_000;
export const START = Date.UTC(2026, 9, 1);

export function configFor(receiver: TestReceiver, email = false): AlertsConfig {
  const channels: unknown[] = [{ kind: 'webhook', name: 'json', url: receiver.url('/hook') }, { kind: 'slack', name: 'chat', url: receiver.url('/slack/T000/SECRET') }];
  if (email) channels.push({ kind: 'email' });
  return parseAlertsConfig({ owners: { build: channels } }, 'test');
}

export function sendDeps(smtpUrl: string | null = null): { mailer: Mailer; from: string; timeoutMs: number } {
  return { mailer: createMailer({ smtpUrl, outboxDir: '/tmp/rollscope-alerts-outbox' }), from: 'Rollscope <r@example.com>', timeoutMs: 2000 };
}

/** Ingests `count` failed rollouts on day `d` (after START), all with one message, and puts their events in one class. */
export async function failOnDay(db: Db, d: number, count: number, classId: number): Promise<void> {
  if (count === 0) return;
  const runs: RunSpec[] = Array.from({ length: count }, (_, i) => ({
    rollout: `ro-${d}-${i}`, stage: 'test-build', at: new Date(START + d * DAY_MS + (i + 1) * 60_000).toISOString(), message: 'disk full on builder',
  }));
  await ingestRuns(db, runs);
  await db.prisma.errorEvent.updateMany({ where: { errorClassId: null }, data: { errorClassId: classId } });
}

export async function createClass(db: Db, trackerUrl: string | null = null): Promise<number> {
  const c = await db.prisma.errorClass.create({ data: { key: `k-${Math.random()}`, template: 'disk full on <*>', ownerId: 'build', trackerUrl, firstSeen: new Date(START) } });
  return c.id;
}
