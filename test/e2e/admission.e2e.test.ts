import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VIOLATIONS_PER_PAGE } from '../../lib/admission/list-violations';
import { openDb, type Db } from '../../lib/db';
import { weekOfInstant } from '../../lib/time/iso-week';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { USERS, signInPage } from './setup';

/**
 * The admission rule pages on the seeded demo: the weekly history of "at most one manual
 * intervention" equals the rollouts counted from the stage runs, and a rule page stays short —
 * its violations paged, each one's evidence and rollouts folded under a count — however many
 * violations it has (a rule of 45 long violations is added for the paging, then removed).
 */
let browser: Browser;
const base = () => inject('baseUrl');
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
/** At 1366 px wide, no rule page is taller than this. */
const MAX_HEIGHT = 3000;
const PAGED = 'e2e-paged';
const MANY = 45;

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(inject('databaseUrl'));
  return work(db).finally(() => db.close());
}
const height = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);

/** Rollouts with more than `max` manual runs per ISO week (UTC) of their first run, from the stage runs alone. */
async function manualWeeks(db: Db, max: number): Promise<Map<string, number>> {
  const manual = await db.prisma.stageRun.groupBy({ by: ['rolloutId'], where: { manual: true }, _count: { _all: true } });
  const needy = manual.filter((m) => m._count._all > max).map((m) => m.rolloutId);
  const starts = await db.prisma.stageRun.groupBy({ by: ['rolloutId'], where: { rolloutId: { in: needy } }, _min: { startedAt: true } });
  const weeks = new Map<string, number>();
  for (const s of starts) {
    const week = weekOfInstant(s._min.startedAt!.getTime(), 'UTC');
    weeks.set(week, (weeks.get(week) ?? 0) + 1);
  }
  return weeks;
}

describe.runIf(HAS_CHROMIUM)('admission rule pages', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    // A rule with many violations and long evidence, resolved (listed after the demo's open ones).
    await withDb(async (db) => {
      const stored = await db.prisma.rollout.findMany({ take: 120, orderBy: { id: 'asc' }, select: { id: true, day: true, outcome: true } });
      const rollouts = stored.map((r) => r.id);
      // Links carry their rule and their rollout's day and outcome, as recording a finding sets them.
      const facts = new Map(stored.map((r) => [r.id, { day: r.day, outcome: r.outcome }]));
      await db.prisma.admissionRule.create({ data: { id: PAGED, title: 'E2E: a rule broken often', kind: 'mixed-host', severity: 'info', mode: 'audit', scope: 'host', ownerId: 'sre', active: false } });
      for (let i = 0; i < MANY; i += 1) {
        const examples = rollouts.slice(0, 10).map((id, j) => ({
          test: { rolloutId: id, stage: 'test-build', at: `2026-11-0${1 + (j % 9)}T10:00:00.000Z` },
          online: { rolloutId: rollouts[j + 10]!, stage: 'container-start', at: '2026-11-01T10:30:00.000Z' },
        }));
        const lastSeen = new Date(Date.UTC(2026, 10, 1, 0, i));
        const v = await db.prisma.admissionViolation.create({ data: {
          ruleId: PAGED, subjectType: 'host', subjectId: `e2e-host-${String(i).padStart(2, '0')}`, status: 'resolved',
          firstSeen: lastSeen, lastSeen, resolvedAt: lastSeen, count: 3, evidence: { overlapMinutes: 60, clashes: 10, examples },
        } });
        const linked = i === 0 ? rollouts : rollouts.slice(0, 12);
        await db.prisma.admissionViolationRollout.createMany({ data: linked.map((rolloutId) => ({ violationId: v.id, rolloutId, ruleId: PAGED, ...facts.get(rolloutId)! })) });
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    await withDb(async (db) => {
      await db.prisma.admissionViolation.deleteMany({ where: { ruleId: PAGED } });
      await db.prisma.admissionRule.deleteMany({ where: { id: PAGED } });
    });
  });

  it('shows the manual-intervention rule\'s weekly history as counted from the stage runs, on a short page', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/admission/unattended-rollouts`);
    await shot(page, 'admission-rule-manual');
    const cells = await page.locator('table[aria-label="Violations per week"] td[data-week]').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-week')!, Number(td.textContent)] as const));
    expect(cells).toHaveLength(8);
    const counted = await withDb((db) => manualWeeks(db, 1));
    expect(cells).toEqual(cells.map(([week]) => [week, counted.get(week) ?? 0]));
    // The seeded 21 days reach into several weeks, and all of them are on the page.
    expect(cells.filter(([, n]) => n > 0).length).toBeGreaterThanOrEqual(3);
    expect(cells.reduce((n, [, c]) => n + c, 0)).toBe([...counted.values()].reduce((n, c) => n + c, 0));
    const total = await withDb((db) => db.prisma.admissionViolation.count({ where: { ruleId: 'unattended-rollouts' } }));
    expect(Number(await page.getAttribute('[data-violations]', 'data-violations'))).toBe(total);
    expect(await height(page)).toBeLessThan(MAX_HEIGHT);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pages a rule\'s violations, folds each one\'s evidence and rollouts under a count, and opens one', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.engineer);
    await page.goto(`${base()}/admission/${PAGED}`);
    await shot(page, 'admission-rule-paged-1');
    expect(await height(page)).toBeLessThan(MAX_HEIGHT);
    expect(await page.textContent('#violations .pager')).toContain(`${MANY} violations, 0 open · page 1 of 3`);
    const rows = page.locator('table[aria-label=Violations] tbody tr');
    expect(await rows.count()).toBe(VIOLATIONS_PER_PAGE);
    const subjects = async () => rows.locator('td:first-child a').allTextContents();
    const first = await subjects();
    expect(first[0]).toBe('e2e-host-44');
    // Folded: the summaries show the counts, the lists stay closed.
    expect(await page.locator('[data-rollouts] > summary').first().textContent()).toBe('12 rollouts');
    expect(await page.locator('[data-evidence] > summary').first().textContent()).toBe('overlap minutes 60 · clashes 10 · 10 examples');
    expect(await page.locator('details[open]').count()).toBe(0);

    await page.click('#violations .pager a[rel=next]');
    await page.waitForURL(`${base()}/admission/${PAGED}?page=2#violations`);
    const second = await subjects();
    expect(second).toHaveLength(VIOLATIONS_PER_PAGE);
    expect(second.filter((s) => first.includes(s))).toEqual([]);
    await page.goto(`${base()}/admission/${PAGED}?page=3`);
    const last = await subjects();
    expect(last).toHaveLength(MANY - 2 * VIOLATIONS_PER_PAGE);
    expect(last.at(-1)).toBe('e2e-host-00');
    // The rollouts of the violation with 120: the first 50 listed, the rest counted.
    const many = page.locator('tr', { hasText: 'e2e-host-00' }).locator('[data-rollouts]');
    expect(await many.locator('summary').textContent()).toBe('120 rollouts');
    await many.locator('summary').click();
    await expect.poll(() => many.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await many.locator('a[href^="/rollouts/"]').count()).toBe(50);
    expect(await many.locator('li.subtle').textContent()).toBe('and 70 more');
    const evidence = page.locator('tr', { hasText: 'e2e-host-00' }).locator('[data-evidence]');
    await evidence.locator('summary').click();
    expect(await evidence.locator('dl.evidence li').count()).toBe(10);
    expect(await evidence.locator('li').first().locator('a[href^="/rollouts/"]').count()).toBe(2);
    await shot(page, 'admission-rule-paged-3-open');
    // A page past the last shows the last; a page that is no number is refused, naming it.
    await page.goto(`${base()}/admission/${PAGED}?page=99`);
    expect(await page.textContent('#violations .pager')).toContain('page 3 of 3');
    const refused = await page.goto(`${base()}/admission/${PAGED}?page=0`);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('li').first().textContent()).toBe('page: "0" is not a whole number from 1 to 10000');
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await page.close();
  });

  it('keeps every rule page and the overview short, the overview\'s violations paged too', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    const rules = await withDb((db) => db.prisma.admissionRule.findMany({ select: { id: true } }));
    for (const { id } of rules) {
      await page.goto(`${base()}/admission/${id}`);
      expect(await height(page), id).toBeLessThan(MAX_HEIGHT);
    }
    await page.goto(`${base()}/admission/no-mixed-hosts`);
    await shot(page, 'admission-rule-mixed-host');
    await page.goto(`${base()}/admission`);
    await shot(page, 'admission-overview');
    const total = await withDb((db) => db.prisma.admissionViolation.count());
    expect(Number(await page.getAttribute('#latest [data-violations]', 'data-violations'))).toBe(total);
    expect(await page.locator('#latest tbody tr').count()).toBe(Math.min(total, VIOLATIONS_PER_PAGE));
    expect(errors).toEqual([]);
    await page.close();
  });
});
