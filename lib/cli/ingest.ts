// npm run ingest -- <file | directory | -> [--format ndjson|csv] [--json] [--no-classify]
// Streams rollout records into the database; exits 1 when any line was rejected. --json prints the
// summaries (and the process's peak memory) as one JSON object for scripts and benchmarks.
// --no-classify leaves the new failures to the weekly run (a bulk load of history).
import { parseArgs } from 'node:util';
import { getDb } from '../db';
import { getSettings } from '../env';
import { formatSummary } from '../ingest/format-summary';
import type { IngestSummary } from '../ingest/ingest';
import { ingestFile, ingestStream, listInputFiles, prepareIngest } from '../ingest/sources';
import { runCli } from './run-cli';

await runCli(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { format: { type: 'string' }, json: { type: 'boolean', default: false }, 'no-classify': { type: 'boolean', default: false } } });
  const format = values.format;
  if (positionals.length === 0) throw new Error('usage: npm run ingest -- <file | directory | -> [--format ndjson|csv] [--json] [--no-classify]');
  if (format !== undefined && format !== 'ndjson' && format !== 'csv') throw new Error(`--format: expected ndjson or csv, got "${format}"`);
  const target = await prepareIngest(await getDb(), getSettings(), { classify: !values['no-classify'] });
  const say = values.json ? () => undefined : (line: string) => console.log(line);
  const progress = (p: { records: number }) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  ${p.records.toLocaleString('en-US')} records…`);
  };
  const summaries: IngestSummary[] = [];
  const done = (summary: IngestSummary) => {
    summaries.push(summary);
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    say(formatSummary(summary));
  };
  for (const arg of positionals) {
    if (arg === '-') done(await ingestStream(target, { source: 'stdin', format: format ?? 'ndjson', input: process.stdin, onProgress: progress }));
    else for (const file of await listInputFiles(arg)) done(await ingestFile(target, file, { format, onProgress: progress }));
  }
  if (summaries.length > 1) say(formatSummary(summaries));
  if (values.json) console.log(JSON.stringify({ summaries, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
  return summaries.some((s) => s.rejected > 0) ? 1 : 0;
});
