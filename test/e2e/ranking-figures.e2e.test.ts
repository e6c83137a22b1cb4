import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDb, type Db } from '../../lib/db';
import { listRankedWeeks } from '../../lib/rank/snapshots';
import { weekJustEnding, weekOfInstant } from '../../lib/time/iso-week';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { makeOldSnapshot } from '../helpers/old-snapshot';
import { USERS, signInPage } from './setup';

/**
 * The ranking's new figures on the seeded demo: expected gain with its interval beside observed
 * uplift, "fix together", the toil view, a "may reveal" hint, the class page's week, the overview
 * and the CSV export — and "–" for a week stored before those figures existed. The two oldest
 * ranked weeks are altered for this and put back as they were afterwards.
 */
let browser: Browser;
const base = () => inject('baseUrl');
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(inject('databaseUrl'));
  return work(db).finally(() => db.close());
}

type Saved = { snapshots: { id: number; summary: object; frozenAt: Date | null }[]; entries: { id: number; detail: object }[] };

async function save(db: Db, weeks: string[]): Promise<Saved> {
  const snapshots = await db.prisma.rankingSnapshot.findMany({ where: { week: { in: weeks } }, include: { entries: true } });
  return {
    snapshots: snapshots.map((s) => ({ id: s.id, summary: s.summary as object, frozenAt: s.frozenAt })),
    entries: snapshots.flatMap((s) => s.entries.map((e) => ({ id: e.id, detail: e.detail as object }))),
  };
}

async function restore(db: Db, saved: Saved): Promise<void> {
  for (const s of saved.snapshots) await db.prisma.rankingSnapshot.update({ where: { id: s.id }, data: { summary: s.summary, frozenAt: s.frozenAt } });
  for (const e of saved.entries) await db.prisma.rankingEntry.update({ where: { id: e.id }, data: { detail: e.detail } });
}

describe.runIf(HAS_CHROMIUM)('the ranking figures in the browser', () => {
  let weeks: string[];
  let saved: Saved;
  let revealed: { from: number; to: number; week: string };

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    await withDb(async (db) => {
      weeks = await listRankedWeeks(db);
      const [old, hinted] = [weeks.at(-1)!, weeks.at(-2)!];
      saved = await save(db, [old, hinted]);
      await makeOldSnapshot(db, old, false);
      // A "may reveal" hint on the top class of the week before the oldest (the demo's data has none).
      const entries = await db.prisma.rankingEntry.findMany({ where: { snapshot: { week: hinted } }, orderBy: { rank: 'asc' }, take: 2 });
      const detail = entries[0]!.detail as { impact: { hiddenBehind: unknown[] } };
      detail.impact.hiddenBehind = [{ classId: entries[1]!.classId, stageKey: 'health-check', rollouts: 12, of: 15, group: 'release web@2.1', groups: 1 }];
      await db.prisma.rankingEntry.update({ where: { id: entries[0]!.id }, data: { detail: detail as object } });
      revealed = { from: entries[0]!.classId, to: entries[1]!.classId, week: hinted };
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (saved) await withDb((db) => restore(db, saved));
  });

  it('lists a week by expected gain with its interval, observed uplift beside it, and the top 3 and 5 fixed together', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/errors?week=${weeks[0]}`);
    expect(await page.textContent('[data-list-heading]')).toContain('ranked by expected gain');
    expect(await page.locator('table[data-table=classes] thead th').allTextContents()).toEqual(expect.arrayContaining(['Expected gain', 'Observed uplift']));
    const first = page.locator('table[data-table=classes] tbody tr').first().locator('td[data-gain]');
    expect(await first.textContent()).toMatch(/^\d+\.\d\d pt\d+\.\d+–\d+\.\d+$/);
    expect(await first.getAttribute('title')).toMatch(/^95% interval .* pt; blocked [\d.,]+ of [\d,]+ finished rollouts/);
    expect(await page.locator('table[data-table=classes] tbody td[data-gain]').count()).toBeGreaterThan(5);
    expect(await page.textContent('[data-fix-together="3"]')).toMatch(/^Fixing the top 3 together: \+\d+\.\d\d pt \(their separate gains add up to \d+\.\d\d pt/);
    expect(await page.locator('[data-fix-together="5"]').count()).toBe(1);
    await shot(page, 'errors-expected-gain');
    await page.selectOption('form[aria-label=Filters] select[name=sort]', 'gain');
    await page.click('form[aria-label=Filters] button[type=submit]');
    await page.waitForURL(/sort=gain/);
    const gains = (await page.locator('table[data-table=classes] tbody td[data-gain]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-gain'))))
      .filter((g) => g !== '').map(Number);
    expect(gains.length).toBeGreaterThan(5);
    expect(gains).toEqual([...gains].sort((a, b) => b - a));

    await page.click('nav[aria-label=Views] >> text=Toil');
    await page.waitForURL(/view=toil/);
    const toil = page.locator('table[data-table=toil] tbody tr');
    expect(await toil.count()).toBeGreaterThan(0);
    expect(await toil.locator('td:nth-child(1)').allTextContents()).toEqual(Array.from({ length: await toil.count() }, (_, i) => String(i + 1)));
    expect(await toil.first().locator('td:nth-child(8)').textContent()).toMatch(/^\d+ (s|min|h|d)( \d+ (min|h))?$/);
    await shot(page, 'errors-toil');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows what fixing a class may reveal, linked to that class in that week, whose page shows the week', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/errors?week=${revealed.week}`);
    const hint = page.locator(`tr[data-class="${revealed.from}"] [data-reveals="${revealed.to}"]`);
    expect(await hint.textContent()).toMatch(/^fixing it may reveal .+: 12 of the 15 rollouts of release web@2\.1 that got past this class's stage then failed with that class at health-check$/);
    await hint.locator('a').click();
    await page.waitForURL(`${base()}/errors/${revealed.to}?week=${revealed.week}`);
    expect(await page.textContent('section[aria-label="Weekly ranking"] h2')).toBe(`Week ${revealed.week} in the ranking`);
    expect(await page.textContent('[data-week-figure="Expected gain"] .value')).toMatch(/^\d+\.\d\d pt$|^–$/);
    await page.goto(`${base()}/errors/${revealed.from}?week=${revealed.week}`);
    expect(await page.textContent(`section[aria-label="Weekly ranking"] [data-reveals="${revealed.to}"]`)).toContain('12 of the 15 rollouts of release web@2.1');
    expect((await page.goto(`${base()}/errors/${revealed.from}?week=nope`))?.status()).toBe(400);
    // Chromium logs the refused document's 400 itself; anything else is a failure.
    expect(errors.filter((e) => !/\?week=nope: Failed to load resource: the server responded with a status of 400/.test(e))).toEqual([]);
    await page.close();
  });

  it('shows – for a week ranked before expected gain and toil existed, without an error, and exports empty cells', async () => {
    const old = weeks.at(-1)!;
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    expect((await page.goto(`${base()}/errors?week=${old}`))?.status()).toBe(200);
    expect(await page.textContent('[data-list-heading]')).toContain('stored before expected gain and toil existed');
    expect(new Set(await page.locator('table[data-table=classes] tbody td[data-gain]').allTextContents())).toEqual(new Set(['–']));
    expect(await page.locator('table[data-table=classes] tbody td[data-uplift]').first().textContent()).toMatch(/^\d+\.\d\d pt$/);
    expect(await page.locator('[data-fix-together]').count()).toBe(0);
    expect(await page.locator('nav[aria-label=Views]').count()).toBe(0);
    await page.goto(`${base()}/errors?week=${old}&view=toil`);
    expect(await page.textContent('section.panel')).toContain('This week was ranked before toil existed: no toil figures.');
    await page.goto(`${base()}/errors/${revealed.from}?week=${old}`);
    expect(await page.textContent('[data-week-figure="Expected gain"]')).toContain('this week was ranked before expected gain existed');
    await shot(page, 'errors-old-ranking');

    const header = 'rank,id,class,badge,in80,failures,previousFailures,failedRollouts,uplift,upliftRollouts,upliftOf,stage,category,owner,assignee,status,'
      + 'expectedGain,expectedGainLow,expectedGainHigh,blockedRollouts,attemptsLost,timeLostMs,manualRetries,toilRank';
    const fresh = (await (await page.request.get(`${base()}/api/errors/export?week=${weeks[0]}`)).text()).split('\r\n');
    expect(fresh[0]).toBe(header);
    expect(fresh[1]).toMatch(/,\d+(\.\d+)?,\d+(\.\d+)?,\d+(\.\d+)?,\d+,[\d]*,[\d]*,[\d]*,[\d]*$/);
    const stale = (await (await page.request.get(`${base()}/api/errors/export?week=${old}`)).text()).split('\r\n');
    expect(stale[1]).toMatch(/,,,,,,,,$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts the top 5 classes by expected gain on the overview', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/`);
    // The overview shows the week the digest reports, not a later one in progress.
    const reported = weeks.find((w) => w <= weekJustEnding(Date.now(), 'UTC'));
    expect(await page.textContent('[data-top-classes] h2')).toBe(`Top 5 error classes by expected gain, in fix order · ${reported}`);
    expect(await page.textContent('h1')).toBe(`Overview · week ${reported}`);
    // So does the error list; the week in progress is offered, saying how far it is.
    await page.goto(`${base()}/errors`);
    expect(await page.inputValue('select[name=week]')).toBe(reported);
    const current = weekOfInstant(Date.now(), 'UTC');
    expect(weeks).toContain(current);
    expect(await page.textContent(`select[name=week] option[value="${current}"]`)).toMatch(new RegExp(`^${current} \\(in progress, [1-7] of 7 days\\)$`));
    // A digest's stage link shows that week's seven days, named in the heading.
    await page.goto(`${base()}/stages/image-pull?week=${reported}`);
    expect(await page.textContent('h1')).toMatch(new RegExp(`· week ${reported}, \\d{4}-\\d\\d-\\d\\d – \\d{4}-\\d\\d-\\d\\d$`));
    // Every page names its period in the heading: the admission pages too.
    await page.goto(`${base()}/admission`);
    expect(await page.textContent('h1')).toMatch(/^Admission rules · last 28 days, \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d$/);
    await page.goto(`${base()}/admission?week=${reported}`);
    expect(await page.textContent('h1')).toBe(`Admission rules · week ${reported}`);
    await page.goto(`${base()}/`);
    expect(await page.locator('[data-top-classes] tbody td[data-gain]').first().textContent()).toMatch(/^\d+\.\d\d pt/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
