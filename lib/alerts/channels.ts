import type { Db } from '../db';
import { ValidationError } from '../errors';
import { AlertsConfigError, loadAlertsConfig, type AlertsConfig, type ChannelConfig } from './config';
import { FALLBACK_OWNER, type AddChannelInput } from './channel-schemas';

/**
 * Alert channels added in Settings, merged with the alerts file's: per owner, the file's channels
 * then the database's. A channel's id (owner/name) keys its messages (exactly-once), so the file
 * wins a clash and a name is never reused, even after a removal (kept as removedAt/removedBy).
 * `url` is a secret: it goes to the sender, never to a log or a page.
 */
export type DbChannelRow = {
  id: number; owner: string; kind: string; name: string; url: string | null; to: string | null;
  createdBy: string; createdAt: Date; removedAt: Date | null; removedBy: string | null;
};

export function listActiveChannels(db: Db): Promise<DbChannelRow[]> {
  return db.prisma.alertChannel.findMany({ where: { removedAt: null }, orderBy: { id: 'asc' } });
}

export function toChannelConfig(r: DbChannelRow): ChannelConfig {
  if (r.kind === 'email') return { kind: 'email', name: r.name, ...(r.to ? { to: r.to } : {}) };
  return { kind: r.kind === 'slack' ? 'slack' : 'webhook', name: r.name, url: r.url ?? '' };
}

/** The names a list of file channels answers to: their own, or the default `<kind>-<n>`. */
const namesOf = (list: ChannelConfig[]) => new Set(list.map((c, i) => c.name ?? `${c.kind}-${i + 1}`));
const fileList = (config: AlertsConfig, owner: string) =>
  (owner === FALLBACK_OWNER ? config.fallback : config.owners[owner]) ?? [];

/** The effective channels (pure): the file's plus the rows', without rows whose name a file channel has. */
export function mergeChannels(
  config: AlertsConfig, rows: DbChannelRow[],
): { config: AlertsConfig; shadowed: DbChannelRow[] } {
  const owners: AlertsConfig['owners'] = { ...config.owners };
  let fallback = config.fallback;
  const shadowed: DbChannelRow[] = [];
  for (const r of rows) {
    if (namesOf(fileList(config, r.owner)).has(r.name)) {
      shadowed.push(r);
      continue;
    }
    if (r.owner === FALLBACK_OWNER) fallback = [...fallback, toChannelConfig(r)];
    else owners[r.owner] = [...(owners[r.owner] ?? []), toChannelConfig(r)];
  }
  return { config: { ...config, owners, fallback }, shadowed };
}

/** The file's config for a change in Settings: a bad file is refused, with its message, before any change. */
export function fileConfigForChange(file: string | null): AlertsConfig {
  try {
    return loadAlertsConfig(file);
  } catch (error) {
    if (!(error instanceof AlertsConfigError)) throw error;
    throw new ValidationError(`the alerts file is invalid; fix it first. ${error.message}`);
  }
}

export async function addAlertChannel(
  db: Db, input: AddChannelInput, ctx: { actor: string; config: AlertsConfig; file: string | null },
): Promise<DbChannelRow> {
  if (input.owner !== FALLBACK_OWNER && !(await db.prisma.owner.findUnique({ where: { id: input.owner } }))) {
    throw new ValidationError(`owner: "${input.owner}" is not a team or person of the chain config (or "fallback")`);
  }
  const id = `${input.owner}/${input.name}`;
  if (namesOf(fileList(ctx.config, input.owner)).has(input.name)) {
    throw new ValidationError(`name: ${id} is a channel of the alerts file (${ctx.file}), which wins; pick another name`);
  }
  const taken = () => new ValidationError(
    `name: ${id} is taken (or was, by a removed channel: names key its alerts and are not reused); pick another name`);
  const key = { owner_name: { owner: input.owner, name: input.name } };
  if (await db.prisma.alertChannel.findUnique({ where: key })) throw taken();
  try {
    return await db.prisma.alertChannel.create({
      data: {
        owner: input.owner, kind: input.kind, name: input.name, url: input.url ?? null, to: input.to ?? null, createdBy: ctx.actor,
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw taken();
    throw error;
  }
}

export async function removeAlertChannel(
  db: Db, input: { id: number }, ctx: { actor: string; now?: Date },
): Promise<DbChannelRow> {
  const done = await db.prisma.alertChannel.updateMany({
    where: { id: input.id, removedAt: null }, data: { removedAt: ctx.now ?? new Date(), removedBy: ctx.actor },
  });
  if (done.count === 0) throw new ValidationError(`id: no channel ${input.id} in Settings (or it is already removed)`);
  return db.prisma.alertChannel.findUniqueOrThrow({ where: { id: input.id } });
}
