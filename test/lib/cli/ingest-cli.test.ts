import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../prisma/tools/migrations';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-cli-'));
const env = { ...process.env, DATABASE_URL: `file:${path.join(dir, 'cli.db')}` };
const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/ingest.ts'), ...args], { cwd: ROOT, env, input, encoding: 'utf8' });
const line = (stage: string, extra = {}) => JSON.stringify({ rollout: 'ro-cli', service: 'feed-api', stage, status: 'succeeded', startedAt: '2026-11-20T10:00:00Z', ...extra });

beforeAll(async () => {
  await applyMigrations(env.DATABASE_URL);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run ingest', () => {
  it('prints a summary and exits 0 when every line was stored', () => {
    const file = path.join(dir, 'good.ndjson');
    writeFileSync(file, `${line('test-build')}\n${line('package-publish')}\n`);
    const r = cli([file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/good\.ndjson: 2 accepted, 0 duplicates, 0 rejected in [\d.]+ s \([\d,]+ records\/s\)/);
  });

  it('exits 1 and names file, line, field and reason when a line was rejected', () => {
    const file = path.join(dir, 'mixed.csv');
    writeFileSync(file, 'rollout,service,stage,status,startedAt\nro-cli,feed-api,image-build,succeeded,2026-11-20T10:00:00Z\nro-cli,feed-api,image-build,succeeded,yesterday\n');
    const r = cli([file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('mixed.csv: 1 accepted, 0 duplicates, 1 rejected');
    expect(r.stdout).toMatch(/mixed\.csv:3: startedAt: must be an ISO-8601 timestamp with an offset/);
  });

  it('reads standard input with "-" and reports duplicates on a second run', () => {
    const input = `${line('health-check')}\n`;
    expect(cli(['-'], input).stdout).toMatch(/stdin: 1 accepted/);
    const again = cli(['-', '--json'], input);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).summaries[0]).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('explains its usage and a bad option', () => {
    expect(cli([]).stderr).toMatch(/usage: npm run ingest -- <file \| directory \| ->/);
    const r = cli([path.join(dir, 'good.ndjson'), '--format', 'xml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--format: expected ndjson or csv, got "xml"/);
  });
});
