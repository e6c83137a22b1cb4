import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInboxImport } from '../../../lib/ingest/inbox';
import { recordJobRun } from '../../../lib/jobs/job-runs';
import { createTestDb, type TestDb } from '../../helpers/db';

let t: TestDb;
const inboxDir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-inbox-'));
const settings = { inboxDir, chainFile: null, timeZone: 'UTC', maxLineBytes: 64 * 1024, admissionFile: null };

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
  rmSync(inboxDir, { recursive: true, force: true });
});

const line = (stage: string, rollout = 'ro-inbox') => JSON.stringify({ rollout, service: 'feed-api', stage, status: 'succeeded', startedAt: '2026-11-20T10:00:00Z' });

describe('the daily inbox import', () => {
  it('ingests dropped files, moves them to done/ or failed/ with a report, and leaves partial files alone', async () => {
    writeFileSync(path.join(inboxDir, 'a-good.ndjson'), `${line('test-build')}\n${line('package-publish')}\n`);
    writeFileSync(path.join(inboxDir, 'b-bad.csv'), 'rollout,service,stage,status,startedAt\nro-csv,feed-api,warp-drive,succeeded,2026-11-20T10:00:00Z\nro-csv,feed-api,test-build,succeeded,2026-11-20T10:00:00Z\n');
    writeFileSync(path.join(inboxDir, 'c-upload.ndjson.part'), line('image-build'));
    const result = await recordJobRun(t.db, 'inbox-import', () => runInboxImport({ db: t.db, settings }));
    expect(result).toMatchObject({ files: 2, accepted: 3, rejected: 1, failedFiles: ['b-bad.csv'] });
    expect(existsSync(path.join(inboxDir, 'done', 'a-good.ndjson'))).toBe(true);
    expect(readFileSync(path.join(inboxDir, 'failed', 'b-bad.csv.report.txt'), 'utf8')).toMatch(/b-bad\.csv:2: stage: unknown stage "warp-drive"/);
    expect(existsSync(path.join(inboxDir, 'c-upload.ndjson.part'))).toBe(true);
    const run = await t.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'inbox-import' } });
    expect(run).toMatchObject({ status: 'succeeded', summary: expect.objectContaining({ files: 2, accepted: 3 }) });
    expect(run.finishedAt).not.toBeNull();
  });

  it('does nothing on an empty inbox', async () => {
    expect(await runInboxImport({ db: t.db, settings: { ...settings, inboxDir: path.join(inboxDir, 'empty') } })).toMatchObject({ files: 0 });
  });

  it('records a failed job run with its error', async () => {
    await expect(recordJobRun(t.db, 'boom', async () => { throw new Error('disk on fire'); })).rejects.toThrow('disk on fire');
    expect(await t.db.prisma.jobRun.findFirstOrThrow({ where: { job: 'boom' } })).toMatchObject({ status: 'failed', summary: { error: 'disk on fire' } });
  });
});
