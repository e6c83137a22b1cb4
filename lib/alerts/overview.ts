import type { Db } from '../db';
import { FALLBACK_OWNER } from './channel-schemas';
import { mergeChannels, toChannelConfig, type DbChannelRow } from './channels';
import { AlertsConfigError, describeChannel, EMPTY_ALERTS_CONFIG as EMPTY, loadAlertsConfig, type AlertsConfig } from './config';

/**
 * What Settings shows of the alerts: the file, its thresholds, each owner's channels (hosts only:
 * webhook URLs are secrets), the subjects active now and the latest messages with their state.
 * Channels added in Settings carry their row id (for the remove form), who added them and when;
 * one whose name a file channel has is listed with the note that it is not used.
 */
type DbChannelLine = {
  id: number; owner: string; kind: string; name: string; target: string;
  createdBy: string; createdAt: Date; note: string | null;
};
type RemovedLine = {
  owner: string; kind: string; name: string; target: string; createdBy: string; removedBy: string; removedAt: Date;
};
export type AlertsOverview = {
  file: string | null;
  error: string | null;
  thresholds: AlertsConfig['thresholds'] | null;
  /** The alerts file's channels. */
  channels: { owner: string; kind: string; target: string }[];
  /** The channels added in Settings (not removed). */
  dbChannels: DbChannelLine[];
  /** The latest channels removed in Settings: who removed them, when. */
  removed: RemovedLine[];
  /** The owners a channel may be added for: the chain config's teams and people. */
  owners: { id: string; name: string; kind: string }[];
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
  const ownerRows = await db.prisma.owner.findMany({
    orderBy: [{ kind: 'desc' }, { id: 'asc' }], select: { id: true, name: true, kind: true, email: true },
  });
  const emails = new Map(ownerRows.map((o) => [o.id, o.email]));
  const label = (owner: string) => (owner === FALLBACK_OWNER ? '(fallback)' : owner);
  const channels = config
    ? [...Object.entries(config.owners), [FALLBACK_OWNER, config.fallback] as const].flatMap(([owner, list]) =>
        list.map((c) => ({ owner: label(owner), kind: c.kind, target: describeChannel(c, emails.get(owner)) })))
    : [];
  const rows: DbChannelRow[] = await db.prisma.alertChannel.findMany({ orderBy: { id: 'asc' } });
  const { shadowed } = mergeChannels(config ?? EMPTY, rows.filter((r) => !r.removedAt));
  const target = (r: DbChannelRow) => describeChannel(toChannelConfig(r), emails.get(r.owner));
  const dbChannels = rows.filter((r) => !r.removedAt).map((r): DbChannelLine => ({
    id: r.id, owner: label(r.owner), kind: r.kind, name: r.name, target: target(r),
    createdBy: r.createdBy, createdAt: r.createdAt,
    note: shadowed.includes(r) ? 'not used: the alerts file has a channel of this name, and the file wins' : null,
  }));
  const removed = rows.filter((r) => r.removedAt)
    .sort((a, b) => b.removedAt!.getTime() - a.removedAt!.getTime()).slice(0, RECENT)
    .map((r): RemovedLine => ({
      owner: label(r.owner), kind: r.kind, name: r.name, target: target(r), createdBy: r.createdBy,
      removedBy: r.removedBy ?? '', removedAt: r.removedAt!,
    }));
  const owners = ownerRows.map(({ id, name, kind }) => ({ id, name, kind }));
  const [active, recent] = await Promise.all([
    db.prisma.alertState.findMany({
      where: { active: true }, orderBy: { changedAt: 'desc' }, select: { trigger: true, subject: true, activation: true, changedAt: true },
    }),
    db.prisma.alertMessage.findMany({
      orderBy: { id: 'desc' }, take: RECENT,
      select: { id: true, title: true, channel: true, status: true, attempts: true, lastError: true, createdAt: true, sentAt: true },
    }),
  ]);
  return { file, error, thresholds: config?.thresholds ?? null, channels, dbChannels, removed, owners, active, recent };
}
