// npm run bench:scale -- --database <postgresql:// or file: url> --runs N [--loads 20] [--seed 42] [--end 2026-12-01]
// A benchmark, not a test (issue #14): builds N demo stage runs over the year before --end into the
// database, ingested by `npm run ingest` a slice of days at a time (or reuses the build it made there
// before), ranks every week with `npm run classify`, times the Friday digest and the nightly admission
// check, then every page of the production server signed in, and prints each figure with its target
// and each process's peak memory. Exits 0 with the targets missed named; a page not answering 200
// fails the run.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../lib/db';
import { applyMigrations } from '../../prisma/tools/migrations';
import { buildScaleDatabase } from './scale-build';
import { rankEveryWeek } from './scale-classify';
import { timeJobs } from './scale-jobs';
import { formatCount, formatMb, formatSeconds, logStep } from './scale-log';
import { describeSpec } from './scale-marker';
import { parseScaleOptions } from './scale-options';
import { collectPageIds, formatPageTable } from './scale-pages';
import { formatSummary } from './scale-summary';
import { measurePages } from './scale-web';
import { lastFullWeek, listDataWeeks } from './scale-weeks';

/** A year of history, as issue #14 asks. */
const DAYS = 365;
/** Days written and ingested at a time: about 1.3 GB of NDJSON at 50M stage runs a year. */
const SLICE_DAYS = 30;

const opts = parseScaleOptions(process.argv.slice(2));
const work = await mkdtemp(path.join(os.tmpdir(), 'rollscope-scale-'));
const outboxDir = path.join(work, 'data', 'outbox');
// The defaults of every setting the figures depend on, whatever this shell has set.
const env = {
  DATABASE_URL: opts.database, ROLLSCOPE_DATA_DIR: path.join(work, 'data'), ROLLSCOPE_TIMEZONE: 'UTC', SMTP_URL: '',
  ROLLSCOPE_CHAIN_FILE: '', ROLLSCOPE_CATEGORIES_FILE: '', ROLLSCOPE_ROUTING_FILE: '', ROLLSCOPE_ADMISSION_FILE: '', ROLLSCOPE_ALERTS_FILE: '',
};
try {
  const spec = { runs: opts.runs, seed: opts.seed, end: opts.end, days: DAYS, services: opts.services };
  logStep('build', `${describeSpec(spec)} into ${opts.database.replace(/\/\/[^@/]*@/, '//')}; applying migrations`);
  await applyMigrations(opts.database);
  const db = await openDb(opts.database);
  try {
    const started = performance.now();
    const built = await buildScaleDatabase({ db, spec, sliceDays: SLICE_DAYS, workDir: path.join(work, 'input'), env });
    const b = built.state;
    const how = built.reused ? 'reused (built before; nothing ingested)' : `built in ${formatSeconds((performance.now() - started) / 1000)}`;
    logStep('build', `${how}: ${formatCount(b.records)} records, ingest ${formatCount(b.records / b.ingestSeconds)} records/s, generation ${formatCount(b.records / b.generateSeconds)} records/s, ingest peak RSS ${formatMb(b.peakRssBytes)}`);

    const weeks = listDataWeeks(opts.end, DAYS);
    logStep('classify', `ranking ${weeks.length} weeks, ${weeks[0]} to ${weeks.at(-1)}`);
    const classify = await rankEveryWeek(weeks, env);
    logStep('classify', `per week min ${formatSeconds(classify.min)}, median ${formatSeconds(classify.median)}, max ${formatSeconds(classify.max)}; peak RSS ${formatMb(classify.peakRssBytes)}`);

    // Jobs before pages: /digests/<id> needs a message, and the pages then show a week after its digest.
    const week = lastFullWeek(opts.end);
    const jobs = await timeJobs({ db, week, env, outboxDir });

    const ids = await collectPageIds(db, week, opts.end);
    const web = await measurePages({ db, env, ids, loads: opts.loads });
    console.log(`\n${formatPageTable(web.pages)}\n\nweb server peak RSS (VmHWM): ${formatMb(web.serverPeakRssBytes)}\n`);
    console.log(formatSummary({ build: b, classify, jobs, web }));
  } finally {
    await db.close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
