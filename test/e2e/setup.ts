import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createUser } from '../../lib/auth/users';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb } from '../../lib/db';
import { seedDemoIfEmpty } from '../../lib/demo/seed';
import { applyMigrations } from '../../prisma/tools/migrations';
import { startNextServer } from '../helpers/next-server';

export const USERS = { admin: 'admin@e2e.test', engineer: 'engineer@e2e.test', viewer: 'viewer@e2e.test' } as const;
export const PASSWORD = 'e2e-password-123';
/** The person owner (default chain config) the engineer account acts for; the others act for nobody. */
export const ENGINEER_PERSON = 'aisha.khan';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
  }
}

/**
 * Seeds a fresh database and starts the production server on it (built when its sources changed).
 * Always, with or without Chromium: the route fuzz and header tests need no browser.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-e2e-'));
  const databaseUrl = `file:${path.join(dataDir, 'e2e.db')}`;
  await applyMigrations(databaseUrl);
  const db = await openDb(databaseUrl);
  await syncChain(db, loadChainConfig(null));
  await seedDemoIfEmpty({ db, settings: { dataDir, chainFile: null, timeZone: 'UTC', maxLineBytes: 65536, categoriesFile: null, routingFile: null, admissionFile: null }, demo: { days: 21, rolloutsPerDay: 80, services: 30 } });
  for (const [role, email] of Object.entries(USERS)) await createUser(db, { email, name: role, role: role as keyof typeof USERS, password: PASSWORD });
  // "Assign to me" needs the account to act for a person of the chain config: the engineer is linked to one.
  await db.prisma.userOwner.create({ data: { userId: (await db.prisma.user.findUniqueOrThrow({ where: { email: USERS.engineer } })).id, ownerId: ENGINEER_PERSON } });
  await db.close();

  const server = await startNextServer({ DATABASE_URL: databaseUrl, ROLLSCOPE_DATA_DIR: dataDir });
  const baseUrl = server.origin;
  project.provide('baseUrl', baseUrl);
  project.provide('databaseUrl', databaseUrl);
  return async () => {
    server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

/**
 * A new page of `browser` signed in as `email`, with every console error and page error collected
 * (the tests assert there are none). Steps time out after `timeoutMs`, so a step that does not
 * happen fails on its own line.
 */
export async function signInPage(browser: import('playwright-core').Browser, base: string, email: string, timeoutMs = 30_000): Promise<{ page: import('playwright-core').Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.setDefaultTimeout(timeoutMs);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${page.url()}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  return { page, errors };
}
