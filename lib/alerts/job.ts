import type { Db } from '../db';
import type { Settings } from '../env';
import { deliveredWord, type Mailer } from '../mail/mailer';
import { loadAlertsConfig } from './config';
import { runAlerts, type AlertsRunResult } from './run-alerts';

/** The scheduler's alerts job (ALERTS_CRON, when ROLLSCOPE_ALERTS_FILE is set): one pass of runAlerts. */
export type AlertsJobSettings = Pick<Settings, 'alertsFile' | 'alertsCron' | 'baseUrl' | 'timeZone' | 'targets' | 'mailFrom'>;

/** Loads (and so validates) the alerts file once, at start: a bad file stops the scheduler with its message. */
export function createAlertsJob(settings: AlertsJobSettings, deps: { db: Db; mailer: Mailer }) {
  const config = loadAlertsConfig(settings.alertsFile);
  const run = async (now: Date, beforeSend?: () => Promise<void>): Promise<AlertsRunResult> =>
    runAlerts({ db: deps.db, config, now, settings, send: { mailer: deps.mailer, from: settings.mailFrom }, beforeSend });
  // E-mail alerts go to the outbox folder without SMTP: say so, never "sent".
  const outbox = deps.mailer.kind === 'outbox' ? ` (e-mails ${deliveredWord('outbox')})` : '';
  const describe = (r: AlertsRunResult) =>
    `${r.subjects} subjects; ${r.activated} activated, ${r.deactivated} deactivated; ` +
    `${r.sent} ${r.sent === 1 ? 'alert' : 'alerts'} delivered${outbox}, ${r.failed} failed (retried later), ${r.gaveUp} given up`;
  return { run, describe };
}
