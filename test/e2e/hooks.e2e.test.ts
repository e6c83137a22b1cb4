import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncChain } from '../../lib/chain/sync';
import { openDb } from '../../lib/db';
import { signGithubBody } from '../../lib/ingest/adapters/webhook';
import { applyMigrations } from '../../prisma/tools/migrations';
import { startNextServer } from '../helpers/next-server';
import { exampleChain, githubExamples, gitlabPipelineHook } from '../lib/ingest/adapters/hook-fixtures';

const SECRET = 'e2e-github-secret';
const TOKEN = 'e2e-gitlab-token';
let server: { origin: string; stop: () => void };
let dataDir: string;
let databaseUrl: string;

// A server of its own: the webhook secrets and the chain's stage map are settings of the process.
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-hooks-e2e-'));
  databaseUrl = `file:${path.join(dataDir, 'hooks.db')}`;
  const chainFile = path.join(dataDir, 'chain.json');
  writeFileSync(chainFile, JSON.stringify(exampleChain()));
  await applyMigrations(databaseUrl);
  const db = await openDb(databaseUrl);
  await syncChain(db, exampleChain());
  await db.close();
  server = await startNextServer({ DATABASE_URL: databaseUrl, ROLLSCOPE_DATA_DIR: dataDir, ROLLSCOPE_CHAIN_FILE: chainFile, GITHUB_WEBHOOK_SECRET: SECRET, GITLAB_WEBHOOK_TOKEN: TOKEN });
}, 300_000);
afterAll(() => {
  server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const post = (route: string, body: string, headers: Record<string, string>) =>
  fetch(`${server.origin}${route}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/e2e', ...headers }, redirect: 'manual' });

describe('the webhook endpoints on the real server, without a session', () => {
  it('takes a signed GitHub workflow_job delivery, refuses a bad signature, and is idempotent', async () => {
    const failing = githubExamples('workflow_job').find((p) => (p as { action: string }).action === 'completed')!;
    const body = JSON.stringify(failing);
    const headers = { 'x-github-event': 'workflow_job', 'x-github-delivery': 'e2e-1', 'x-hub-signature-256': signGithubBody(SECRET, body) };
    const first = await post('/api/hooks/github', body, headers);
    expect(first.status).toBe(200);
    expect((await first.json()).summary).toMatchObject({ accepted: 1, source: 'github:Codertocat/Hello-World' });
    expect((await (await post('/api/hooks/github', body, headers)).json()).summary).toMatchObject({ accepted: 0, duplicates: 1 });
    const forged = await post('/api/hooks/github', body.replace('failure', 'success'), headers);
    expect(forged.status).toBe(401);
    const unknown = await post('/api/hooks/github', '{}', { 'x-github-event': 'star', 'x-hub-signature-256': signGithubBody(SECRET, '{}') });
    expect(unknown.status).toBe(202);
    expect((await unknown.json()).reason).toMatch(/"star" is not one Rollscope reads/);
    const broken = await post('/api/hooks/github', body.slice(0, 100), { ...headers, 'x-hub-signature-256': signGithubBody(SECRET, body.slice(0, 100)) });
    expect(broken.status).toBe(400);
  });

  it('takes a GitLab Pipeline Hook with the token and refuses a wrong one', async () => {
    const body = JSON.stringify(gitlabPipelineHook());
    const ok = await post('/api/hooks/gitlab', body, { 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': TOKEN });
    expect(ok.status).toBe(200);
    expect((await ok.json()).summary).toMatchObject({ accepted: 4, source: 'gitlab:gitlab-org/gitlab-test' });
    expect((await post('/api/hooks/gitlab', body, { 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': 'nope' })).status).toBe(401);
    const db = await openDb(databaseUrl);
    try {
      expect(await db.prisma.stageRun.count()).toBe(5);
      expect(await db.prisma.rollout.count()).toBe(2);
    } finally {
      await db.close();
    }
  });
});
