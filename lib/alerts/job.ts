import type { Db } from '../db';
import type { Settings } from '../env';
import { deliveredWord, type Mailer } from '../mail/mailer';
import { listActiveChannels, mergeChannels } from './channels';
import { loadAlertsConfig } from './config';
import { runAlerts, type AlertsRunResult } from './run-alerts';

/**
 * The scheduler's alerts job (ALERTS_CRON): one pass of runAlerts with the file's channels plus
 * those added in Settings, read at each run (an admin may add one any time). Without a file and
 * without channels in Settings a run does nothing (`null`): one count query.
 */
export type AlertsJobSettings = Pick<Settings, 'alertsCron' | 'baseUrl' | 'timeZone' | 'targets' | 'mailFrom'> & {
  alertsFile: string | null;
};

/** Loads (and so validates) the alerts file once, at start: a bad file stops the scheduler with its message. */
export function createAlertsJob(settings: AlertsJobSettings, deps: { db: Db; mailer: Mailer }) {
  const fileConfig = loadAlertsConfig(settings.alertsFile);
  const run = async (now: Date, beforeSend?: () => Promise<void>): Promise<AlertsRunResult> => {
    const { config } = mergeChannels(fileConfig, await listActiveChannels(deps.db));
    const send = { mailer: deps.mailer, from: settings.mailFrom };
    return runAlerts({ db: deps.db, config, now, settings, send, beforeSend });
  };
  /** Whether a run has anything to do: a file (it may have thresholds only: states still move), or channels in Settings. */
  const enabled = async () =>
    settings.alertsFile !== null || (await deps.db.prisma.alertChannel.count({ where: { removedAt: null } })) > 0;
  // E-mail alerts go to the outbox folder without SMTP: say so, never "sent".
  const outbox = deps.mailer.kind === 'outbox' ? ` (e-mails ${deliveredWord('outbox')})` : '';
  const describe = (r: AlertsRunResult) =>
    `${r.subjects} subjects; ${r.activated} activated, ${r.deactivated} deactivated; ` +
    `${r.sent} ${r.sent === 1 ? 'alert' : 'alerts'} delivered${outbox}, ${r.failed} failed (retried later), ${r.gaveUp} given up`;
  return { run, enabled, describe };
}
