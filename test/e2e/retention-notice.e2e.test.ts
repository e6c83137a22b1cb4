import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../lib/auth/users';
import { loadChainConfig } from '../../lib/chain/config';
import { syncChain } from '../../lib/chain/sync';
import { openDb } from '../../lib/db';
import { hostHref, serviceHref } from '../../lib/places/links';
import { computeRetentionHorizon } from '../../lib/retention/horizon';
import { addDays, dayInZone } from '../../lib/time/day';
import { applyMigrations } from '../../prisma/tools/migrations';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { ingestRuns } from '../helpers/ingest';
import { startNextServer } from '../helpers/next-server';
import { PASSWORD, USERS, signInPage } from './setup';

/**
 * The host, service and stage pages list raw rows, which retention deletes before its horizon: for
 * a period starting before it they say so; for a period after it they do not. A server of its own,
 * with ROLLSCOPE_RETENTION_DAYS set, on a database of its own.
 */
const RETENTION_DAYS = 97;
const HOST = 'retention-host-1';
const SERVICE = 'retention-svc';
const today = dayInZone(Date.now(), 'UTC');
const horizon = computeRetentionHorizon(RETENTION_DAYS, new Date(), 'UTC')!;
const NOTICE = `Stage runs, failures and rollouts before ${horizon} are no longer kept (ROLLSCOPE_RETENTION_DAYS)`;
const oldPeriod = `from=${addDays(today, -150)}&to=${addDays(today, -140)}`;
const recentPeriod = `from=${addDays(today, -6)}&to=${today}`;

let browser: Browser;
let server: Awaited<ReturnType<typeof startNextServer>> | null = null;
let stage: string;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-e2e-retention-'));

describe.runIf(HAS_CHROMIUM)('the retention notice on the pages that list raw rows', () => {
  beforeAll(async () => {
    const databaseUrl = `file:${path.join(dataDir, 'retention.db')}`;
    await applyMigrations(databaseUrl);
    const db = await openDb(databaseUrl);
    try {
      await syncChain(db, loadChainConfig(null));
      stage = (await db.prisma.stage.findFirstOrThrow({ orderBy: { position: 'asc' } })).key;
      const at = `${addDays(today, -1)}T10:00:00Z`;
      await ingestRuns(db, [{ rollout: 'kept', service: SERVICE, stage, host: HOST, at, message: 'boom' }]);
      await createUser(db, { email: USERS.viewer, name: 'viewer', role: 'viewer', password: PASSWORD });
    } finally {
      await db.close();
    }
    server = await startNextServer({
      DATABASE_URL: databaseUrl, ROLLSCOPE_DATA_DIR: dataDir, ROLLSCOPE_RETENTION_DAYS: String(RETENTION_DAYS),
    });
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows on the host, service and stage page for a period before the horizon, and not after it', async () => {
    const { page, errors } = await signInPage(browser, server!.origin, USERS.viewer);
    for (const href of [hostHref(HOST), serviceHref(SERVICE), `/stages/${stage}`]) {
      await page.goto(`${server!.origin}${href}?${oldPeriod}`);
      expect(await page.locator('[data-retention]').textContent(), href).toContain(NOTICE);
      await page.goto(`${server!.origin}${href}?${recentPeriod}`);
      expect(await page.locator('h1').count(), href).toBe(1);
      expect(await page.locator('[data-retention]').count(), href).toBe(0);
    }
    expect(errors).toEqual([]);
  });
});
