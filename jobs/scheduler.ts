// The scheduler process (npm run jobs; started beside the web server by npm run launch).
// Schedules: the inbox import, IMPORT_CRON (default 01:00 daily) in ROLLSCOPE_TIMEZONE.
import cron from 'node-cron';
import { getDb } from '../lib/db';
import { getSettings } from '../lib/env';
import { runInboxImport } from '../lib/ingest/inbox';
import { recordJobRun } from '../lib/jobs/job-runs';

const settings = getSettings();
if (!cron.validate(settings.importCron)) {
  console.error(`IMPORT_CRON: "${settings.importCron}" is not a valid cron expression (e.g. "0 1 * * *" for 01:00 daily)`);
  process.exit(2);
}
const db = await getDb();

const log = (message: string) => console.log(`[jobs ${new Date().toISOString()}] ${message}`);

const importTask = cron.schedule(
  settings.importCron,
  async () => {
    log(`inbox import: reading ${settings.inboxDir}`);
    try {
      const r = await recordJobRun(db, 'inbox-import', () => runInboxImport({ db, settings }));
      log(`inbox import: ${r.files} file(s), ${r.accepted} accepted, ${r.duplicates} duplicates, ${r.rejected} rejected${r.failedFiles.length ? `; see failed/: ${r.failedFiles.join(', ')}` : ''}`);
    } catch (error) {
      log(`inbox import failed: ${(error as Error).message}`);
    }
  },
  { timezone: settings.timeZone, noOverlap: true, name: 'inbox-import' },
);

log(`scheduler started (${settings.timeZone}); inbox import "${settings.importCron}" from ${settings.inboxDir}`);

const stop = async () => {
  log('scheduler stopping');
  await importTask.stop();
  await db.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
