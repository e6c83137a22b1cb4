import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassRule, exportClassRules, type RuleChangeDeps } from '../../../lib/classify/class-rule-store';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// npm run rules:export / rules:import as real child processes on the test database (SQLite, or
// PostgreSQL when ROLLSCOPE_TEST_PG_URL is set): a round trip, and a bad file's errors and exit code.
const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-rules-cli-'));
// Run from a folder of their own, so files are named as a person would name them (tsx found from here).
const TSX = import.meta.resolve('tsx');
const cli = (db: TestDb, args: string[]) =>
  spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'lib/cli/rules.ts'), ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: db.url, ROLLSCOPE_DATA_DIR: dir }, encoding: 'utf8', timeout: 120_000 });

const RUNS: RunSpec[] = [
  { rollout: 'r1', stage: 'image-pull', at: '2026-11-16T10:00:00Z', message: 'pull mirror.example.net/feed:1: i/o timeout after 9s', service: 'feed-api', attrs: { image: 'mirror.example.net/feed:1' } },
  { rollout: 'r2', stage: 'image-pull', at: '2026-11-17T10:00:00Z', message: 'pull registry.example.com/user:7: i/o timeout after 12s', service: 'user-svc' },
  { rollout: 'r3', stage: 'container-start', at: '2026-11-18T11:00:00Z', message: 'container killed: out of memory (limit 512Mi)', service: 'feed-api' },
];
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };
let source: TestDb;
let target: TestDb;

async function seeded(): Promise<TestDb> {
  const t = await createTestDb();
  await ingestRuns(t.db, RUNS);
  await classifyAndRank({ db: t.db, settings, week: '2026-W47', now: new Date('2026-11-21T12:00:00Z') });
  return t;
}
const deps = (t: TestDb): RuleChangeDeps => ({ db: t.db, actor: 'eng@example.com', categories: loadCategoryConfig(null), routing: parseRoutingConfig({ rules: [] }, 'test'), timeZone: 'UTC' });
const classNameOf = async (t: TestDb, message: string) => (await t.db.prisma.errorEvent.findFirstOrThrow({ where: { message }, include: { errorClass: true } })).errorClass?.name;

beforeAll(async () => {
  [source, target] = await Promise.all([seeded(), seeded()]);
  await createClassRule(deps(source), {
    name: 'Mirror pulls', match: { kind: 'template', pattern: 'pull mirror.example.net/<*>', stage: 'image-*', attrs: { image: 'mirror.*' } },
    category: 'network', ownerId: 'registry', assigneeId: 'li.wei', trackerUrl: 'https://tracker.example.com/REG-12',
  });
  await createClassRule(deps(source), { name: 'OOM kills', match: { kind: 'regex', pattern: 'out of memory|oom', service: 'feed-*' } });
}, 120_000);
afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe(`npm run rules:export and rules:import (${EXPECTED_KIND})`, () => {
  it('exports the rules in order to stdout, or to a file', async () => {
    const out = cli(source, ['export']);
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(await exportClassRules(source.db));
    const written = cli(source, ['export', 'rules.json']);
    expect(written.status, written.stderr).toBe(0);
    expect(written.stderr).toContain('Wrote 2 class rules to rules.json.');
    expect(JSON.parse(readFileSync(path.join(dir, 'rules.json'), 'utf8'))).toMatchObject({ version: 1, rules: [{ name: 'Mirror pulls' }, { name: 'OOM kills', match: { kind: 'regex' } }] });
  });

  it('imports an exported file into another database: the same rules, the same classes of events, and it says what moved', async () => {
    const imported = cli(target, ['import', 'rules.json']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('rules.json: 2 rules in order; created 2 (“Mirror pulls”, “OOM kills”); updated nothing; deleted nothing');
    expect(imported.stdout).toMatch(/^2 events re-classified in [\d.]+ m?s \(3 events scanned\); rankings of 2026-W47 updated in [\d.]+ m?s\.$/m);
    expect(await exportClassRules(target.db)).toEqual(JSON.parse(readFileSync(path.join(dir, 'rules.json'), 'utf8')));
    expect(await classNameOf(target, RUNS[0]!.message!)).toBe('Mirror pulls');
    expect(await classNameOf(target, RUNS[2]!.message!)).toBe('OOM kills');
    const decisions = await target.db.prisma.classDecision.findMany({ where: { kind: 'rule' } });
    expect(decisions.map((d) => d.actor)).toEqual([`cli:${os.userInfo().username}`, `cli:${os.userInfo().username}`]);
    // Importing the same file again changes nothing.
    const again = cli(target, ['import', 'rules.json']);
    expect(again.stdout).toContain('created nothing; updated 2 (“Mirror pulls”, “OOM kills”); deleted nothing');
    expect(again.stdout).toMatch(/^0 events re-classified/m);
  });

  it('refuses a bad file with every error, naming the file, the rule and the field, exits 2 and changes nothing', async () => {
    const before = await exportClassRules(target.db);
    const bad = {
      version: 1,
      rules: [
        { name: 'Bad regex', match: { kind: 'regex', pattern: '(a)\\1' } },
        { match: { kind: 'template', pattern: 'x <*>' } },
        { name: 'Bad link', match: { kind: 'template', pattern: 'y <*>', colour: 'red' }, trackerUrl: 'ftp://example.com/1' },
      ],
    };
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
    const r = cli(target, ['import', 'bad.json']);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^bad\.json: rules\.0\.match\.pattern \("Bad regex"\): is not a regular expression RE2 accepts/),
      expect.stringMatching(/^bad\.json: rules\.1\.name: /),
      expect.stringMatching(/^bad\.json: rules\.2\.match \("Bad link"\): .*colour/),
      'bad.json: rules.2.trackerUrl ("Bad link"): must be an http(s) link',
      'bad.json: not imported; nothing was changed.',
    ]));
    writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ version: 1, rules: [{ name: 'Owned', match: { kind: 'template', pattern: 'x <*>' }, ownerId: 'nobody' }] }));
    const owner = cli(target, ['import', 'owner.json']);
    expect(owner.status).toBe(2);
    expect(owner.stderr).toContain('owner.json: rules.0 ("Owned").ownerId: "nobody" is not a team of the chain config');
    writeFileSync(path.join(dir, 'broken.json'), '{"version": 1, "rules": [');
    const broken = cli(target, ['import', 'broken.json']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^broken\.json: is not JSON: /);
    expect(cli(target, ['import', 'missing.json']).stderr).toContain('missing.json: cannot be read (ENOENT)');
    expect(await exportClassRules(target.db)).toEqual(before);
  });

  it('imports the example file of the README as it stands', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /### Class rules[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1]!;
    writeFileSync(path.join(dir, 'example.json'), example);
    const r = cli(target, ['import', 'example.json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('example.json: 2 rules in order; created 1 (“Registry mirror timeouts”); updated 1 (“OOM kills”); deleted 1 (“Mirror pulls”)');
  });

  it('explains its usage', () => {
    for (const args of [[], ['import'], ['publish', 'x.json'], ['export', 'a.json', 'b.json']]) {
      const r = cli(source, args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: npm run rules:export -- [file]');
    }
  });
});
