import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createUser } from '../../lib/auth/users';
import { buildIsStale } from '../../lib/cli/build-state';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb } from '../../lib/db';
import { seedDemoIfEmpty } from '../../lib/demo/seed';
import { applyMigrations } from '../../prisma/tools/migrations';
import { freePort } from '../helpers/net';
import { HAS_CHROMIUM } from '../helpers/browser';

export const USERS = { admin: 'admin@e2e.test', engineer: 'engineer@e2e.test', viewer: 'viewer@e2e.test' } as const;
export const PASSWORD = 'e2e-password-123';
const ROOT = path.resolve(import.meta.dirname, '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
  }
}

/** Seeds a fresh database, builds the app when its sources changed, and starts `next start` on a free port. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!HAS_CHROMIUM) return async () => undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-e2e-'));
  const databaseUrl = `file:${path.join(dataDir, 'e2e.db')}`;
  await applyMigrations(databaseUrl);
  const db = await openDb(databaseUrl);
  await syncChain(db, loadChainConfig(null));
  await seedDemoIfEmpty({ db, settings: { dataDir, chainFile: null, timeZone: 'UTC', maxLineBytes: 65536, categoriesFile: null, routingFile: null, admissionFile: null }, demo: { days: 21, rolloutsPerDay: 80, services: 30 } });
  for (const [role, email] of Object.entries(USERS)) await createUser(db, { email, name: role, role: role as keyof typeof USERS, password: PASSWORD });
  await db.close();

  const next = path.join(ROOT, 'node_modules', '.bin', 'next');
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID')) || (await buildIsStale(ROOT))) {
    const built = spawnSync(next, ['build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (built.status !== 0) throw new Error('next build failed');
  }
  const port = await freePort();
  const server: ChildProcess = spawn(next, ['start', '-p', String(port)], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, ROLLSCOPE_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'ignore' });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    if (i > 120) throw new Error(`${baseUrl} did not start`);
    const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  project.provide('baseUrl', baseUrl);
  project.provide('databaseUrl', databaseUrl);
  return async () => {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
}
