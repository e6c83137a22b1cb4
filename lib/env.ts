import path from 'node:path';
import { z } from 'zod';
import { MIN_RETENTION_DAYS } from './retention/minimum';

/** A hundred years: a bound on the setting, not a limit anyone should reach. */
const MAX_RETENTION_DAYS = 36_500;

/**
 * Every setting of Rollscope, with its default. This is the only module that reads process.env;
 * the README's settings table mirrors this schema.
 */
const settingsSchema = z.object({
  DATABASE_URL: z
    .string()
    .default('file:./data/rollscope.db')
    .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
      message: 'must start with file: (SQLite) or postgresql:// (PostgreSQL)',
    }),
  ROLLSCOPE_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, { message: 'is not an IANA time zone (e.g. Europe/Berlin)' }),
  ROLLSCOPE_CHAIN_FILE: z.string().default(''),
  ROLLSCOPE_CATEGORIES_FILE: z.string().default(''),
  ROLLSCOPE_ROUTING_FILE: z.string().default(''),
  ROLLSCOPE_ADMISSION_FILE: z.string().default(''),
  ROLLSCOPE_ALERTS_FILE: z.string().default(''),
  ROLLSCOPE_DATA_DIR: z.string().default('./data'),
  ROLLSCOPE_INBOX_DIR: z.string().default(''),
  INGEST_TOKENS: z.string().default(''),
  GITHUB_WEBHOOK_SECRET: z.string().default(''),
  GITLAB_WEBHOOK_TOKEN: z.string().default(''),
  METRICS_TOKEN: z.string().default(''),
  INGEST_MAX_BODY_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
  INGEST_MAX_LINE_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  IMPORT_CRON: z.string().default('0 1 * * *'),
  DIGEST_CRON: z.string().default('0 17 * * 5'),
  ADMISSION_CRON: z.string().default('30 1 * * *'),
  ALERTS_CRON: z.string().default('*/10 * * * *'),
  DIGEST_RETRY_HOURS: z.coerce.number().positive().max(168).default(24),
  SMTP_URL: z.string().default(''),
  MAIL_FROM: z.string().default('Rollscope <rollscope@localhost>'),
  /** Where e-mail links point; unset: http://localhost:PORT. */
  ROLLSCOPE_BASE_URL: z.union([z.literal(''), z.url()]).default(''),
  MANAGER_EMAILS: z.string().default('manager@example.com'),
  TARGET_SUCCESS_RATE: z.coerce.number().min(0).max(1).default(0.95),
  TARGET_STAGE_SUCCESS_RATE: z.coerce.number().min(0).max(1).default(0.99),
  TARGET_YIELD: z.coerce.number().min(0).max(1).default(0.8),
  TARGET_UNATTENDED_RATE: z.coerce.number().min(0).max(1).default(0.95),
  TARGET_ROLLOUTS_PER_WEEK: z.coerce.number().int().min(0).default(0),
  AUTH_TRUSTED_HEADER: z.string().default(''),
  AUTH_TRUSTED_HEADER_ROLE: z.enum(['viewer', 'engineer', 'admin']).default('viewer'),
  AUTH_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  PORT: z.coerce.number().int().positive().default(3000),
  ROLLSCOPE_RETENTION_DAYS: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || (/^\d+$/.test(v) && Number(v) >= MIN_RETENTION_DAYS && Number(v) <= MAX_RETENTION_DAYS), {
      message:
        `must be a whole number of days from ${MIN_RETENTION_DAYS} (the longest admission window, 90 days, plus the week ` +
        `it is judged in) to ${MAX_RETENTION_DAYS}, or unset to keep every stage run`,
    }),
});

export type Settings = {
  databaseUrl: string;
  databaseKind: 'sqlite' | 'postgresql';
  /** Absolute path of the SQLite file, when databaseKind is sqlite. */
  sqlitePath: string | null;
  timeZone: string;
  chainFile: string | null;
  categoriesFile: string | null;
  routingFile: string | null;
  admissionFile: string | null;
  /** The alerts file (channels per owner, thresholds); null: no alerts are sent. */
  alertsFile: string | null;
  dataDir: string;
  inboxDir: string;
  ingestTokens: string[];
  /** The secret of the GitHub webhook (X-Hub-Signature-256); null: POST /api/hooks/github answers 404. Never logged. */
  githubWebhookSecret: string | null;
  /** The secret token of the GitLab webhook (X-Gitlab-Token); null: POST /api/hooks/gitlab answers 404. Never logged. */
  gitlabWebhookToken: string | null;
  /** Bearer secret GET /metrics asks for (read-scope tokens work too); null: /metrics is open. */
  metricsToken: string | null;
  maxBodyBytes: number;
  maxLineBytes: number;
  importCron: string;
  digestCron: string;
  admissionCron: string;
  alertsCron: string;
  /** Hours after a digest was due (or a manual run started) during which the scheduler retries its unsent messages. */
  digestRetryHours: number;
  /** SMTP connection URL (smtp://user:pass@host:587); empty: messages go to <data>/outbox as .eml files. */
  smtpUrl: string | null;
  mailFrom: string;
  baseUrl: string;
  /** Set when ROLLSCOPE_BASE_URL names another port than PORT (e-mail links would miss this server unless a proxy forwards them). */
  baseUrlWarning: string | null;
  managerEmails: string[];
  targets: { successRate: number; stageSuccessRate: number; yield: number; unattendedRate: number; rolloutsPerWeek: number | null };
  outboxDir: string;
  /** When set, a reverse proxy's header (e.g. x-forwarded-email) signs users in; off by default. */
  trustedHeader: { name: string; role: 'viewer' | 'engineer' | 'admin' } | null;
  /** Reverse proxies in front of the web server that append to X-Forwarded-For (0: none; sign-in throttling per client). */
  trustedProxyHops: number;
  port: number;
  /** Days of stage runs, error events and rollouts kept (lib/retention); null: everything is kept. */
  retentionDays: number | null;
};

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Parses settings from an environment (process.env by default); throws a readable SettingsError. */
/** A warning when the base URL's port is not the one this server listens on. */
function computeBaseUrlWarning(baseUrl: string, port: number): string | null {
  if (!baseUrl) return null;
  const url = new URL(baseUrl);
  const urlPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (urlPort === port) return null;
  return `ROLLSCOPE_BASE_URL ${baseUrl} names port ${urlPort} but the server listens on PORT ${port}: e-mail links go to port ${urlPort} (fine if a proxy forwards it there; otherwise unset ROLLSCOPE_BASE_URL or fix it)`;
}

export function parseSettings(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`Invalid settings (environment variables):\n${lines.join('\n')}`);
  }
  const s = parsed.data;
  const dataDir = path.resolve(cwd, s.ROLLSCOPE_DATA_DIR);
  const isSqlite = s.DATABASE_URL.startsWith('file:');
  // One absolute path for every entry point: a relative SQLite URL would otherwise resolve
  // differently for the Prisma CLI (config folder) and the app (cwd).
  const sqlitePath = isSqlite ? path.resolve(cwd, s.DATABASE_URL.slice('file:'.length)) : null;
  return {
    databaseUrl: isSqlite ? `file:${sqlitePath}` : s.DATABASE_URL,
    databaseKind: isSqlite ? 'sqlite' : 'postgresql',
    sqlitePath,
    timeZone: s.ROLLSCOPE_TIMEZONE,
    chainFile: s.ROLLSCOPE_CHAIN_FILE ? path.resolve(cwd, s.ROLLSCOPE_CHAIN_FILE) : null,
    categoriesFile: s.ROLLSCOPE_CATEGORIES_FILE ? path.resolve(cwd, s.ROLLSCOPE_CATEGORIES_FILE) : null,
    routingFile: s.ROLLSCOPE_ROUTING_FILE ? path.resolve(cwd, s.ROLLSCOPE_ROUTING_FILE) : null,
    admissionFile: s.ROLLSCOPE_ADMISSION_FILE ? path.resolve(cwd, s.ROLLSCOPE_ADMISSION_FILE) : null,
    alertsFile: s.ROLLSCOPE_ALERTS_FILE ? path.resolve(cwd, s.ROLLSCOPE_ALERTS_FILE) : null,
    dataDir,
    inboxDir: s.ROLLSCOPE_INBOX_DIR ? path.resolve(cwd, s.ROLLSCOPE_INBOX_DIR) : path.join(dataDir, 'inbox'),
    ingestTokens: s.INGEST_TOKENS.split(',').map((t) => t.trim()).filter(Boolean),
    githubWebhookSecret: s.GITHUB_WEBHOOK_SECRET || null,
    gitlabWebhookToken: s.GITLAB_WEBHOOK_TOKEN || null,
    metricsToken: s.METRICS_TOKEN.trim() || null,
    maxBodyBytes: s.INGEST_MAX_BODY_BYTES,
    maxLineBytes: s.INGEST_MAX_LINE_BYTES,
    importCron: s.IMPORT_CRON,
    digestCron: s.DIGEST_CRON,
    admissionCron: s.ADMISSION_CRON,
    alertsCron: s.ALERTS_CRON,
    digestRetryHours: s.DIGEST_RETRY_HOURS,
    smtpUrl: s.SMTP_URL || null,
    mailFrom: s.MAIL_FROM,
    baseUrl: (s.ROLLSCOPE_BASE_URL || `http://localhost:${s.PORT}`).replace(/\/+$/, ''),
    baseUrlWarning: computeBaseUrlWarning(s.ROLLSCOPE_BASE_URL, s.PORT),
    managerEmails: s.MANAGER_EMAILS.split(',').map((e) => e.trim()).filter(Boolean),
    targets: {
      successRate: s.TARGET_SUCCESS_RATE,
      stageSuccessRate: s.TARGET_STAGE_SUCCESS_RATE,
      yield: s.TARGET_YIELD,
      unattendedRate: s.TARGET_UNATTENDED_RATE,
      rolloutsPerWeek: s.TARGET_ROLLOUTS_PER_WEEK || null,
    },
    outboxDir: path.join(dataDir, 'outbox'),
    trustedHeader: s.AUTH_TRUSTED_HEADER ? { name: s.AUTH_TRUSTED_HEADER.toLowerCase(), role: s.AUTH_TRUSTED_HEADER_ROLE } : null,
    trustedProxyHops: s.AUTH_TRUSTED_PROXY_HOPS,
    port: s.PORT,
    retentionDays: s.ROLLSCOPE_RETENTION_DAYS === '' ? null : Number(s.ROLLSCOPE_RETENTION_DAYS),
  };
}

let cached: Settings | undefined;

/** The process's settings, parsed once. */
export function getSettings(): Settings {
  cached ??= parseSettings();
  return cached;
}
