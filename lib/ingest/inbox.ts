import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db';
import type { Settings } from '../env';
import { formatSummary } from './format-summary';
import type { IngestSummary } from './ingest';
import { formatOf, ingestFile, prepareIngest } from './sources';

export type InboxResult = { files: number; accepted: number; duplicates: number; rejected: number; failedFiles: string[] };

/**
 * The daily import: ingests every input file dropped in the inbox folder, then moves it to done/
 * (all lines stored) or failed/ (some rejected, or unreadable) with a `.report.txt` beside it.
 * Producers should write under a temporary name (a leading dot or a .part/.tmp ending) and rename
 * when complete; such files are left alone.
 */
export async function runInboxImport(deps: { db: Db; settings: Pick<Settings, 'inboxDir' | 'chainFile' | 'timeZone' | 'maxLineBytes' | 'admissionFile'> & Partial<Pick<Settings, 'retentionDays'>> }): Promise<InboxResult> {
  const inbox = deps.settings.inboxDir;
  await mkdir(inbox, { recursive: true });
  const names = (await readdir(inbox, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !/\.(part|tmp)$/i.test(e.name) && formatOf(e.name) !== null)
    .map((e) => e.name)
    .sort();
  const result: InboxResult = { files: 0, accepted: 0, duplicates: 0, rejected: 0, failedFiles: [] };
  if (names.length === 0) return result;
  const target = await prepareIngest(deps.db, deps.settings);
  for (const name of names) {
    const file = path.join(inbox, name);
    let summary: IngestSummary | null = null;
    let report: string;
    try {
      summary = await ingestFile(target, file);
      report = formatSummary(summary);
    } catch (error) {
      report = `${file}: not ingested: ${(error as Error).message}`;
    }
    const ok = summary !== null && summary.rejected === 0;
    const dest = path.join(inbox, ok ? 'done' : 'failed');
    await mkdir(dest, { recursive: true });
    await rename(file, path.join(dest, name));
    await writeFile(path.join(dest, `${name}.report.txt`), `${report}\n`);
    result.files += 1;
    result.accepted += summary?.accepted ?? 0;
    result.duplicates += summary?.duplicates ?? 0;
    result.rejected += summary?.rejected ?? 0;
    if (!ok) result.failedFiles.push(name);
  }
  return result;
}
