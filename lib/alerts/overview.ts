import type { Db } from '../db';
import { AlertsConfigError, describeChannel, loadAlertsConfig, type AlertsConfig } from './config';

/**
 * What Settings shows of the alerts: the file, its thresholds, each owner's channels (hosts only:
 * webhook URLs are secrets), the subjects active now and the latest messages with their state.
 */
export type AlertsOverview = {
  file: string | null;
  error: string | null;
  thresholds: AlertsConfig['thresholds'] | null;
  channels: { owner: string; kind: string; target: string }[];
  active: { trigger: string; subject: string; activation: number; changedAt: Date }[];
  recent: {
    id: number; title: string; channel: string; status: string; attempts: number;
    lastError: string | null; createdAt: Date; sentAt: Date | null;
  }[];
};
const RECENT = 20;

export async function getAlertsOverview(db: Db, file: string | null): Promise<AlertsOverview> {
  let config: AlertsConfig | null = null;
  let error: string | null = null;
  try {
    config = loadAlertsConfig(file);
  } catch (e) {
    // A bad file stops the scheduler; Settings shows why instead of failing.
    if (!(e instanceof AlertsConfigError)) throw e;
    error = e.message;
  }
  const emails = new Map((await db.prisma.owner.findMany({ select: { id: true, email: true } })).map((o) => [o.id, o.email]));
  const channels = config
    ? [...Object.entries(config.owners), ['(fallback)', config.fallback] as const].flatMap(([owner, list]) =>
        list.map((c) => ({ owner, kind: c.kind, target: describeChannel(c, emails.get(owner)) })))
    : [];
  const [active, recent] = await Promise.all([
    db.prisma.alertState.findMany({
      where: { active: true }, orderBy: { changedAt: 'desc' }, select: { trigger: true, subject: true, activation: true, changedAt: true },
    }),
    db.prisma.alertMessage.findMany({
      orderBy: { id: 'desc' }, take: RECENT,
      select: { id: true, title: true, channel: true, status: true, attempts: true, lastError: true, createdAt: true, sentAt: true },
    }),
  ]);
  return { file, error, thresholds: config?.thresholds ?? null, channels, active, recent };
}
