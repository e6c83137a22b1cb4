import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { channelName, httpUrl } from './channel-schemas';
import { thresholdsSchema, type Thresholds } from './hysteresis';

/**
 * The alerts file (ROLLSCOPE_ALERTS_FILE, JSON): notification channels per owner (a team or a
 * person id from the chain config) and the thresholds; admins add more channels in Settings
 * (channels.ts). Without a file the thresholds are the defaults. Errors name the file and the
 * path of the bad field. Webhook URLs are secrets (Slack's are): never logged or shown, only their host.
 */
export const channelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name: channelName.optional(), url: httpUrl }),
  z.object({ kind: z.literal('slack'), name: channelName.optional(), url: httpUrl }),
  /** `to` defaults to the owner's e-mail address. */
  z.object({ kind: z.literal('email'), name: channelName.optional(), to: z.email().max(320).optional() }),
]);
export type ChannelConfig = z.infer<typeof channelSchema>;

/** Activate at ≥ 3 failed rollouts in a day or ≥ 10 in 7 days; deactivate under 1 a day and under 3 in 7 days. */
export const DEFAULT_CLASS_THRESHOLDS: Thresholds = { activate: { day: 3, week: 10 }, deactivate: { day: 1, week: 3 } };
/** A stage alerts after 3 days in a row under its first-pass target, and clears after a day on target. */
export const DEFAULT_FIRST_PASS_DAYS = 3;

const fileSchema = z.object({
  thresholds: z
    .object({
      classFailures: thresholdsSchema.default(DEFAULT_CLASS_THRESHOLDS),
      /** A class younger than this many days alerts as "new" (a floor still applies: the thresholds). */
      newClassDays: z.number().int().min(1).max(90).default(7),
      firstPassDays: z.number().int().min(1).max(60).default(DEFAULT_FIRST_PASS_DAYS),
    })
    .default({ classFailures: DEFAULT_CLASS_THRESHOLDS, newClassDays: 7, firstPassDays: DEFAULT_FIRST_PASS_DAYS }),
  owners: z.record(z.string().min(1).max(100), z.array(channelSchema).max(20)).default({}),
  /** Channels for subjects whose owner has none (or that have no owner). */
  fallback: z.array(channelSchema).max(20).default([]),
});
export type AlertsConfig = z.infer<typeof fileSchema>;
/** A channel with its stable id (owner/name): part of each message's unique key. */
export type Channel = ChannelConfig & { id: string };

export const EMPTY_ALERTS_CONFIG: AlertsConfig = fileSchema.parse({});

export class AlertsConfigError extends Error {
  override name = 'AlertsConfigError';
}

export function parseAlertsConfig(data: unknown, source: string): AlertsConfig {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AlertsConfigError(`${source}: invalid alerts file\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function loadAlertsConfig(file: string | null): AlertsConfig {
  if (!file) return EMPTY_ALERTS_CONFIG;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AlertsConfigError(`${file}: cannot read the alerts file: ${(error as Error).message}`);
  }
  return parseAlertsConfig(data, file);
}

/** The channels an owner's alerts go to: its own, else the fallback ones. */
export function channelsFor(config: AlertsConfig, ownerId: string | null): Channel[] {
  const own = ownerId ? config.owners[ownerId] : undefined;
  const [scope, list] = own?.length ? [ownerId!, own] : ['fallback', config.fallback];
  return list.map((c, i) => ({ ...c, id: `${scope}/${c.name ?? `${c.kind}-${i + 1}`}` }));
}

/** Where a channel sends, safe to log and show: the host of a webhook, the address of an e-mail. */
export function describeChannel(c: ChannelConfig, ownerEmail?: string | null): string {
  if (c.kind === 'email') return `e-mail to ${c.to ?? ownerEmail ?? 'the owner'}`;
  return `${c.kind === 'slack' ? 'Slack webhook' : 'webhook'} at ${new URL(c.url).host}`;
}
