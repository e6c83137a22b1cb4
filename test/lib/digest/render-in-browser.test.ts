import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../lib/digest/blocks';
import { buildDigest } from '../../../lib/digest/build-digest';
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
});
