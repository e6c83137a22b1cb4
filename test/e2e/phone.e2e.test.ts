import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { openDb } from '../../lib/db';
import { weekJustEnding } from '../../lib/time/iso-week';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { PASSWORD, USERS } from './setup';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SHOTS = path.resolve(ROOT, 'test-results', 'pages');
const PHONE = { width: 390, height: 844 };
let browser: Browser;
const base = () => inject('baseUrl');

async function signInAt(viewport: { width: number; height: number }, email: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport, isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  page.setDefaultTimeout(30_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`${page.url()}: ${m.text()}`));
  await page.goto(`${base()}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base()}/`);
  return { page, errors };
}

/** How far the page itself scrolls sideways (0 when everything fits or scrolls inside its card). */
const sidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** One of each kind of page, with the places a digest or a search links to. */
async function pagesToVisit(): Promise<Record<string, string>> {
  const db = await openDb(inject('databaseUrl'));
  try {
    const [klass, rollout, host] = await Promise.all([
      db.prisma.errorClass.findFirst({ where: { mergedIntoId: null }, orderBy: { eventCount: 'desc' } }),
      db.prisma.rollout.findFirst({ where: { outcome: 'failed' }, orderBy: { startedAt: 'desc' } }),
      db.prisma.stageRun.findFirst({ where: { host: { not: null } }, select: { host: true } }),
    ]);
    return {
      overview: '/', trends: '/trends', errors: '/errors', 'error-class': `/errors/${klass!.id}`, 'class-rules': '/errors/rules',
      stages: '/stages', stage: '/stages/image-pull', admission: '/admission', 'admission-rule': '/admission/unattended-rollouts',
      quarantine: '/quarantine', digests: '/digests', settings: '/settings', account: '/account',
      rollout: `/rollouts/${encodeURIComponent(rollout!.id)}`, host: `/hosts/${encodeURIComponent(host!.host!)}`,
      service: `/services/${encodeURIComponent(rollout!.service)}`, search: `/search?q=${encodeURIComponent(rollout!.service)}`,
    };
  } finally {
    await db.close();
  }
}

describe.runIf(HAS_CHROMIUM)('the dashboard on a phone, and the small things it must say honestly', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => browser?.close());

  it('never scrolls a page sideways at 390 px, folds the navigation behind Menu, and keeps a screenshot of each', async () => {
    const { page, errors } = await signInAt(PHONE, USERS.admin);
    const pages = await pagesToVisit();
    for (const [name, url] of Object.entries(pages)) {
      const response = await page.goto(`${base()}${url}`);
      expect(response?.status(), url).toBe(200);
      expect(await sidewaysScroll(page), `${url} scrolls sideways at ${PHONE.width} px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(SHOTS, `phone-${name}.png`), fullPage: true });
      await page.screenshot({ path: path.join(SHOTS, `phone-${name}-top.png`) });
    }
    // Folded: the links are hidden until Menu opens them; then each one is on screen and works.
    await page.goto(`${base()}/`);
    const menu = page.getByRole('button', { name: 'Menu' });
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#site-nav').isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    const errorsLink = page.locator('#site-nav a', { hasText: 'Errors' });
    expect(await errorsLink.isVisible()).toBe(true);
    const box = await errorsLink.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(SHOTS, 'phone-menu-open.png') });
    await errorsLink.click();
    await page.waitForURL(`${base()}/errors`);
    expect(await page.locator('#site-nav').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps every link visible, wrapped, when a phone runs no JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${base()}/login`);
    await page.fill('input[name=email]', USERS.viewer);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base()}/`);
    expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
    for (const link of await page.locator('#site-nav a').all()) {
      expect(await link.isVisible()).toBe(true);
      const box = (await link.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await sidewaysScroll(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, 'phone-no-js.png') });
    await context.close();
  });

  it('shows the navigation in one row at desktop width, with the page the reader is on marked', async () => {
    const { page } = await signInAt({ width: 1366, height: 900 }, USERS.viewer);
    await page.goto(`${base()}/stages`);
    expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
    const tops = await page.locator('#site-nav a').evaluateAll((links) => links.map((a) => Math.round(a.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
    expect(await page.locator('#site-nav a[aria-current=page]').textContent()).toBe('Stages');
    await page.close();
  });

  it('writes a digest to the outbox, says "written to outbox" (never "sent"), and the e-mail fits a phone', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rollscope-e2e-outbox-'));
    const week = weekJustEnding(Date.now(), 'UTC');
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/digest.ts', '--week', week], {
        cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: inject('databaseUrl'), ROLLSCOPE_DATA_DIR: dataDir, SMTP_URL: '' },
      });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/: \d+ written to outbox, 0 already written to outbox before, 0 failed\./);
      const { page } = await signInAt({ width: 1366, height: 900 }, USERS.viewer);
      await page.goto(`${base()}/digests?week=${week}`);
      expect(await page.textContent('[aria-label="Digest status"]')).toMatch(/Complete: all \d+ messages written to the outbox folder/);
      const statuses = await page.locator('section:has(h2:has-text("Messages")) table tbody tr td:nth-child(4)').allTextContents();
      expect(statuses.length).toBeGreaterThan(0);
      for (const s of statuses) expect(s).toBe('written to outbox');
      await page.screenshot({ path: path.join(SHOTS, 'digests-outbox.png'), fullPage: true });

      // The e-mail itself: one column of at most 600 px on a desktop client, the phone's width on a phone.
      const db = await openDb(inject('databaseUrl'));
      const messages = await db.prisma.digestMessage.findMany({ where: { week }, select: { kind: true, html: true } }).finally(() => db.close());
      for (const kind of ['owner', 'lead', 'manager']) {
        const html = messages.find((m) => m.kind === kind)!.html;
        await page.setViewportSize({ width: 1366, height: 900 });
        await page.setContent(html);
        const column = await page.evaluate(() => document.querySelector('body > table td > table')!.getBoundingClientRect().width);
        expect(column, kind).toBeLessThanOrEqual(600);
        await page.setViewportSize(PHONE);
        await page.setContent(html);
        expect(await sidewaysScroll(page), `${kind} e-mail scrolls sideways on a phone`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(SHOTS, `phone-email-${kind}.png`), fullPage: true });
      }
      await page.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('names each quarantined input by its source, time and counts', async () => {
    const db = await openDb(inject('databaseUrl'));
    const token = await createIngestToken(db, 'phone-e2e').finally(() => db.close());
    const good = { id: 'phone-e2e-1', rollout: 'phone-e2e-r1', service: 'phone-e2e', stage: 'image-pull', status: 'succeeded', startedAt: new Date().toISOString() };
    const body = [JSON.stringify(good), '{"this line": "is not a record"}', 'not json at all'].join('\n');
    const posted = await fetch(`${base()}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
    expect(posted.status, await posted.clone().text()).toBeLessThan(300);
    const { page } = await signInAt({ width: 1366, height: 900 }, USERS.viewer);
    await page.goto(`${base()}/quarantine`);
    const row = page.locator('table[aria-label="Inputs with quarantined lines"] tbody tr', { hasText: 'phone-e2e' }).first();
    const cells = await row.locator('td').allTextContents();
    expect(cells[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(cells.slice(4)).toEqual(['1', '0', '0', '2']);
    await row.locator('a').click();
    expect(await page.textContent('[data-testid=batch-summary]')).toMatch(/ingested \d{4}-\d\d-\d\d .* stored 1 · duplicates 0 · conflicts 0 · rejected 2/);
    await page.screenshot({ path: path.join(SHOTS, 'quarantine-batches.png'), fullPage: true });
    await page.close();
  });
});
