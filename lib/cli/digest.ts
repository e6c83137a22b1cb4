// npm run digest -- [--week 2026-W47] [--dry-run] [--to someone@example.com]
// Runs the weekly digest by hand. --dry-run prints who would get what and writes previews under
// <data>/outbox/preview, sending nothing; --to sends every message to one address instead. Messages
// left unsent are retried by the scheduler with backoff for DIGEST_RETRY_HOURS.
import { parseArgs } from 'node:util';
import { getDb } from '../db';
import { runWeeklyDigest } from '../digest/run-weekly-digest';
import { getSettings } from '../env';
import { createMailer, deliveredWord } from '../mail/mailer';
import { runCli } from './run-cli';

await runCli(async () => {
  const { values } = parseArgs({ options: { week: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, to: { type: 'string' } } });
  if (values.to !== undefined && !/^[^@\s]+@[^@\s]+$/.test(values.to)) throw new Error(`--to: "${values.to}" is not an e-mail address`);
  const settings = getSettings();
  const mailer = createMailer(settings);
  try {
    const retryUntil = new Date(Date.now() + settings.digestRetryHours * 3_600_000);
    const outcome = await runWeeklyDigest({ db: await getDb(), mailer, settings, week: values.week, dryRun: values['dry-run'], redirectTo: values.to, trigger: 'manual', retryUntil });
    if (outcome.status === 'locked') {
      console.log(`The digest for ${outcome.week} is running in another process; nothing done.`);
      return 1;
    }
    if (outcome.status === 'dry-run') {
      console.log(`${values.to ? `Sent every message to ${values.to}` : 'Dry run: nothing sent'} — week ${outcome.week}, ${outcome.drafts.length} messages:`);
      for (const d of outcome.drafts) console.log(`  ${d.kind.padEnd(7)} ${d.recipient.padEnd(32)} ${d.subject}\n          preview: ${d.preview}`);
      return 0;
    }
    const { delivery: d } = outcome;
    const done = deliveredWord(mailer.kind);
    console.log(`Digest ${outcome.week} via ${mailer.kind} (${mailer.describe}): ${d.sent} ${done}, ${d.skipped} already ${done} before, ${d.failed} failed.`);
    for (const m of d.messages) console.log(`  ${(m.status === 'sent' ? done : m.status).padEnd(17)} ${m.kind.padEnd(7)} ${m.recipient.padEnd(32)} ${m.error ? `— ${m.error}` : m.subject}`);
    if (outcome.nextAttemptAt) console.log(`The scheduler (npm run jobs) tries the unsent messages again from ${outcome.nextAttemptAt.toISOString()}, until ${retryUntil.toISOString()}.`);
    return d.failed > 0 ? 1 : 0;
  } finally {
    mailer.close();
  }
});
