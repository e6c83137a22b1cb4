// npm run ingest -- <file | directory | -> [--format ndjson|csv]
// Streams rollout records into the database; exits 1 when any line was rejected.
import { parseArgs } from 'node:util';
import { getDb } from '../db';
import { getSettings } from '../env';
import { formatSummary } from '../ingest/format-summary';
import type { IngestSummary } from '../ingest/ingest';
import { ingestFile, ingestStream, listInputFiles, prepareIngest } from '../ingest/sources';
import { runCli } from './run-cli';

await runCli(async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { format: { type: 'string' } } });
  const format = values.format;
  if (positionals.length === 0) throw new Error('usage: npm run ingest -- <file | directory | -> [--format ndjson|csv]');
  if (format !== undefined && format !== 'ndjson' && format !== 'csv') throw new Error(`--format: expected ndjson or csv, got "${format}"`);
  const target = await prepareIngest(await getDb(), getSettings());
  const progress = (p: { records: number }) => process.stderr.write(`\r  ${p.records.toLocaleString('en-US')} records…`);
  const summaries: IngestSummary[] = [];
  for (const arg of positionals) {
    if (arg === '-') {
      summaries.push(await ingestStream(target, { source: 'stdin', format: format ?? 'ndjson', input: process.stdin, onProgress: progress }));
      continue;
    }
    for (const file of await listInputFiles(arg)) {
      summaries.push(await ingestFile(target, file, { format, onProgress: progress }));
      process.stderr.write('\r\x1b[K');
      console.log(formatSummary(summaries.at(-1)!));
    }
  }
  if (summaries.length > 1 || positionals.includes('-')) console.log(formatSummary(summaries));
  return summaries.some((s) => s.rejected > 0) ? 1 : 0;
});
