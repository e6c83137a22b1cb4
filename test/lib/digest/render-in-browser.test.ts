import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../lib/digest/blocks';
import { buildDigest } from '../../../lib/digest/build-digest';
import { openClosers } from '../../../lib/format-title';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { HAS_CHROMIUM, launchChromium } from '../../helpers/browser';
import type { TestDb } from '../../helpers/db';
import { MANAGER, WEEK, createDigestDb, digestSettings } from '../../helpers/digest-fixture';

const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', '..', 'test-results');
let t: TestDb | undefined;
afterAll(async () => t?.close());

describe.runIf(HAS_CHROMIUM)('a digest e-mail in a real browser', () => {
  it('renders the owner and manager e-mails with no external requests, and keeps screenshots', async () => {
    t = await createDigestDb();
    const settings = digestSettings();
    const { ranking } = await classifyAndRank({ db: t.db, settings, week: WEEK });
    const drafts = buildDigest({ ranking, owners: await t.db.prisma.owner.findMany(), stages: await t.db.prisma.stage.findMany(), violations: [], admission: [], managers: [MANAGER], baseUrl: settings.baseUrl, targets: settings.targets });
    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await launchChromium();
    try {
      for (const draft of drafts.filter((d) => d.recipient === 'registry-team@example.com' || d.kind === 'manager')) {
        const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
        const requests: string[] = [];
        const errors: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await page.setContent(renderHtml(draft.email), { waitUntil: 'load' });
        expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
        expect(errors).toEqual([]);
        const text = await page.locator('body').innerText();
        if (draft.kind === 'owner') {
          expect(text).toContain('pull of <*>:<*> timed out after <*>');
          expect(await page.locator('table').count()).toBeGreaterThanOrEqual(3);
        } else {
          expect(text).toContain('END-TO-END SUCCESS');
        }
        await page.screenshot({ path: path.join(ARTIFACTS, `digest-${draft.kind}.png`), fullPage: true });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });

  it('fits a phone: one column of at most 600 px that shrinks to 390 px without scrolling sideways, titles clipped whole', async () => {
    t ??= await createDigestDb();
    const settings = digestSettings();
    // A class whose name is far longer than an e-mail shows, with brackets and quotes left open at any cut.
    const long = `Back-off pulling image "registry.example.com/${'team/'.repeat(12)}app:<*>" on (node <*>, zone [${'eu-west '.repeat(10)}])`;
    const { ranking } = await classifyAndRank({ db: t.db, settings, week: WEEK });
    const top = ranking.classes[0]!;
    await t.db.prisma.errorClass.update({ where: { id: top.classId }, data: { name: long } });
    const renamed = { ...ranking, classes: ranking.classes.map((c) => (c.classId === top.classId ? { ...c, name: long } : c)) };
    const drafts = buildDigest({ ranking: renamed, owners: await t.db.prisma.owner.findMany(), stages: await t.db.prisma.stage.findMany(), violations: [], admission: [], managers: [MANAGER], baseUrl: settings.baseUrl, targets: settings.targets });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      for (const draft of drafts) {
        const html = renderHtml(draft.email);
        await page.setViewportSize({ width: 1366, height: 900 });
        await page.setContent(html, { waitUntil: 'load' });
        expect(await page.evaluate(() => document.querySelector('body > table td > table')!.getBoundingClientRect().width)).toBeLessThanOrEqual(600);
        await page.setViewportSize({ width: 390, height: 844 });
        await page.setContent(html, { waitUntil: 'load' });
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), `${draft.kind} ${draft.recipient}`).toBeLessThanOrEqual(0);
        const links = await page.locator('a').allTextContents();
        for (const text of links.filter((l) => l.startsWith('Back-off pulling image'))) {
          expect(text.length).toBeLessThanOrEqual(120);
          expect(openClosers(text)).toEqual([]);
        }
        if (draft.recipient === 'registry-team@example.com') {
          expect(links.some((l) => l.startsWith('Back-off pulling image') && l.includes('…'))).toBe(true);
          await page.screenshot({ path: path.join(ARTIFACTS, 'digest-owner-phone.png'), fullPage: true });
        }
      }
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
