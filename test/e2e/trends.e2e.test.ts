import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDb } from '../../lib/db';
import { getSettings } from '../../lib/env';
import { AXIS_LABELS, formatTrendChange, formatTrendValue } from '../../lib/format-trend';
import { getTrends, type Trends } from '../../lib/metrics/trends';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { USERS, signInPage } from './setup';

const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
const KPIS = ['successRate', 'firstPassYield', 'unattendedRate', 'rollouts', 'openClasses', 'openViolations'];
let browser: Browser;
const base = () => inject('baseUrl');

/** What lib computes for the page, on the e2e database, with the server's settings (all defaults but the database). */
async function libTrends(opts: { weeks?: number; current?: boolean } = {}): Promise<Trends> {
  const db = await openDb(inject('databaseUrl'));
  try {
    return await getTrends(db, { ...opts, timeZone: 'UTC', targets: getSettings().targets });
  } finally {
    await db.close();
  }
}

const rowTexts = (page: Page, key: string, row: string) => page.locator(`table[data-trend-table="${key}"] tr[data-row="${row}"] td`).allTextContents();
const yTicks = (page: Page, scope: string) => page.locator(`${scope} .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value`).allTextContents();

describe.runIf(HAS_CHROMIUM)('/trends in a real browser', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => browser?.close());

  it('draws each KPI with labelled axes and its target, and tables the numbers lib computes', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    expect((await page.goto(`${base()}/trends`))?.status()).toBe(200);
    const t = await libTrends();
    expect(await page.textContent('h1')).toBe(`Trends · 12 weeks to ${t.through}`);
    for (const key of KPIS) {
      const s = t.kpis.find((k) => k.key === key)!;
      const panel = page.locator(`[data-kpi-trend="${key}"]`);
      await panel.locator('.recharts-surface').first().waitFor();
      const labels = await panel.locator('.recharts-label').allTextContents();
      expect(labels, key).toEqual(expect.arrayContaining(['ISO week', AXIS_LABELS[s.unit]]));
      expect(await panel.locator('.recharts-reference-line').count(), key).toBe(s.target === null ? 0 : 1);
      if (s.target !== null) expect(labels, key).toContain(`target ${s.unit === 'percent' ? `${Math.round(s.target * 10000) / 100}%` : s.target}`);
      expect((await yTicks(page, `[data-kpi-trend="${key}"]`)).length, key).toBe(s.scale.ticks.length);
      expect(await rowTexts(page, key, 'value'), key).toEqual(s.points.map((p) => formatTrendValue(p.value, s.unit)));
      expect(await rowTexts(page, key, 'change'), key).toEqual(s.points.map((p) => formatTrendChange(p.change, s.unit)));
      expect(await rowTexts(page, key, 'change4'), key).toEqual(s.points.map((p) => formatTrendChange(p.changeVs4Weeks, s.unit)));
    }
    // The demo has three weeks of data: earlier weeks are no data, not 0%.
    expect((await rowTexts(page, 'successRate', 'value'))[0]).toBe('–');
    await page.screenshot({ path: path.join(SHOTS, 'trends.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a value on hover', async () => {
    const { page } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/trends?weeks=4`);
    const t = await libTrends({ weeks: 4 });
    const last = t.kpis[0]!.points.at(-1)!;
    const chart = page.locator('[data-kpi-trend="successRate"] .recharts-surface').first();
    await chart.waitFor();
    const box = (await chart.boundingBox())!;
    // The last week sits at the right end of the plot area.
    await page.mouse.move(box.x + box.width - 20, box.y + box.height / 2);
    const tooltip = page.locator('[data-kpi-trend="successRate"] .recharts-tooltip-wrapper');
    await expect.poll(() => tooltip.textContent()).toContain(formatTrendValue(last.value, 'percent'));
    expect(await tooltip.textContent()).toContain(last.week);
    await page.screenshot({ path: path.join(SHOTS, 'trends-tooltip.png'), clip: { x: box.x - 80, y: box.y - 40, width: box.width + 100, height: box.height + 80 } });
    await page.close();
  });

  it('draws the stages as small multiples on one scale, each with the target line', async () => {
    const { page } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/trends`);
    const t = await libTrends();
    const figures = page.locator('[data-stage-trend]');
    expect(await figures.count()).toBe(t.stages.length);
    await figures.last().locator('.recharts-surface').waitFor();
    const ticks = await Promise.all(t.stages.map((s) => yTicks(page, `[data-stage-trend="${s.key}"]`)));
    expect(ticks[0]).toEqual(t.stageScale.ticks.map((v) => `${v}%`));
    expect(new Set(ticks.map((x) => x.join(' ')))).toEqual(new Set([ticks[0]!.join(' ')]));
    for (const s of t.stages) expect(await page.locator(`[data-stage-trend="${s.key}"] .recharts-reference-line`).count(), s.key).toBe(1);
    const table = await page.locator('table[data-stage-trend-table] tbody tr').first().locator('td').allTextContents();
    expect(table.slice(0, 12)).toEqual(t.stages[0]!.points.map((p) => formatTrendValue(p.value, 'percent')));
    await page.locator('[data-stage-trends]').screenshot({ path: path.join(SHOTS, 'trends-stages.png') });
    await page.close();
  });

  it('shows 52 weeks, the week in progress on request, and refuses a bad weeks value naming it', async () => {
    const { page } = await signInPage(browser, base(), USERS.viewer);
    expect((await page.goto(`${base()}/trends?weeks=52`))?.status()).toBe(200);
    const year = await libTrends({ weeks: 52 });
    expect(await page.textContent('h1')).toBe(`Trends · 52 weeks to ${year.through}`);
    expect(await rowTexts(page, 'rollouts', 'value')).toHaveLength(52);
    await page.screenshot({ path: path.join(SHOTS, 'trends-52.png'), fullPage: true });
    await page.goto(`${base()}/trends?weeks=4&current=show`);
    const current = (await libTrends({ weeks: 4, current: true })).weeks.at(-1)!;
    expect(await page.textContent('h1')).toBe(`Trends · 4 weeks to ${year.through}, and ${current.week} (in progress, ${current.days} of 7 days)`);
    expect((await rowTexts(page, 'rollouts', 'value')).at(-1)).toMatch(/ so far$/);
    for (const bad of ['53', '0', 'twelve', '1.5']) {
      const res = await page.goto(`${base()}/trends?weeks=${bad}`);
      expect(res?.status(), bad).toBe(400);
      expect(await page.textContent('li'), bad).toMatch(/^weeks: .*not a whole number from 1 to 52/);
    }
    expect((await page.goto(`${base()}/trends?current=maybe`))?.status()).toBe(400);
    expect(await page.textContent('li')).toMatch(/^current: /);
    await page.close();
  });

  it('links the overview to /trends; overview and stage charts have axes, units and targets; no ambiguous "yield" anywhere', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/`);
    await page.locator('.tile .recharts-surface').first().waitFor();
    expect(await page.locator('.tile .recharts-reference-line').count()).toBe(3);
    const tileTicks = await yTicks(page, '.tile');
    expect(tileTicks.length).toBeGreaterThan(0);
    expect(tileTicks.filter((x) => !/^\d+(\.\d+)?%$|^[\d,]+$/.test(x))).toEqual([]);
    expect(await page.locator('[data-volume-chart] .recharts-label').allTextContents()).toEqual(expect.arrayContaining(['rollouts per day']));
    await page.screenshot({ path: path.join(SHOTS, 'overview-charts.png'), fullPage: true });
    const bodies = [await page.textContent('body')];
    await page.click('a[data-trends-link]');
    await page.waitForURL(`${base()}/trends`);
    bodies.push(await page.textContent('body'));
    await page.goto(`${base()}/stages`);
    await page.locator('[data-stage-chart] .recharts-surface').last().waitFor();
    const keys = await page.locator('[data-stage-chart]').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage-chart')!));
    const ticks = await Promise.all(keys.map((k) => yTicks(page, `[data-stage-chart="${k}"]`)));
    expect(new Set(ticks.map((x) => x.join(' '))).size).toBe(1);
    expect(await page.locator('[data-stage-chart] .recharts-reference-line').count()).toBe(keys.length);
    expect(await page.locator('[data-stage-chart="image-pull"] .recharts-label').allTextContents()).toEqual(expect.arrayContaining(['success rate (%)']));
    await page.screenshot({ path: path.join(SHOTS, 'stages-charts.png'), fullPage: true });
    bodies.push(await page.textContent('body'));
    for (const body of bodies) expect(body!.match(/(?<!first-pass )\byield\b/gi) ?? []).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
