import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDb, type Db } from '../../lib/db';
import { hostHref, rolloutHref, serviceHref } from '../../lib/places/links';
import { weekDays, weekJustEnding } from '../../lib/time/iso-week';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { ingestRuns } from '../helpers/ingest';
import { USERS, signInPage } from './setup';

/**
 * Rollouts, hosts and services as pages, and the search that finds them, on the seeded demo plus
 * one rollout whose id holds every awkward character (ingested long before the demo's weeks, so no
 * figure another test reads changes). The server runs in UTC.
 */
let browser: Browser;
const base = () => inject('baseUrl');
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
// `%41` stays three characters: a page that decoded its segment twice would look up "A".
const AWKWARD = `e2e places/100%_ü'"#?&%41`;
const HOST = 'e2e-host/α 1';
const WEEK = weekJustEnding(Date.now(), 'UTC');
let chain: string[];
let service: string;

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(inject('databaseUrl'));
  return work(db).finally(() => db.close());
}

/** The stage keys the rollout page shows, in page order, with each stage's attempts as "status" lists. */
async function readStages(page: Page): Promise<{ key: string; state: string; attempts: string[] }[]> {
  return page.$$eval('section[data-stage]', (rows) => rows.map((r) => ({
    key: r.getAttribute('data-stage')!, state: r.getAttribute('data-state')!,
    attempts: [...r.querySelectorAll('[data-attempt]')].map((a) => `${a.getAttribute('data-attempt')}:${a.getAttribute('data-status')}`),
  })));
}

describe.runIf(HAS_CHROMIUM)('rollouts, hosts and services as pages', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    await withDb(async (db) => {
      chain = (await db.prisma.stage.findMany({ orderBy: { position: 'asc' } })).map((s) => s.key);
      service = (await db.prisma.rollout.groupBy({ by: ['service'], _count: { _all: true }, orderBy: [{ _count: { id: 'desc' } }, { service: 'asc' }], take: 1 }))[0]!.service;
      const at = (m: number) => new Date(Date.UTC(2026, 0, 5, 9, m)).toISOString();
      await ingestRuns(db, [
        { rollout: AWKWARD, service, stage: chain[0]!, at: at(0), host: HOST, env: 'test' },
        { rollout: AWKWARD, service, stage: chain[1]!, attempt: 1, at: at(5), host: HOST, env: 'test', message: 'publish failed: 503 Service Unavailable from registry', code: 'E503' },
        { rollout: AWKWARD, service, stage: chain[1]!, attempt: 2, at: at(9), host: HOST, env: 'test', attrs: { image: 'e2e/places:1.0' } },
        { rollout: AWKWARD, service, stage: chain[2]!, at: at(15), host: HOST, env: 'prerelease', message: 'deploy failed: connection refused' },
      ], 'UTC', { classify: true });
      await db.prisma.admissionViolation.create({ data: {
        ruleId: 'chain-length', subjectType: 'rollout', subjectId: AWKWARD, status: 'open', firstSeen: new Date(at(0)), lastSeen: new Date(at(15)), evidence: { steps: 3 },
      } });
    });
  });
  afterAll(async () => browser?.close());

  it('opens a rollout from a violation link: its stages in chain order, every attempt, failures with their class', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(`${base()}/admission/chain-length`);
    await page.click(`a[href="${rolloutHref(AWKWARD)}"]`);
    await page.waitForURL(`${base()}${rolloutHref(AWKWARD)}`);
    expect(await page.textContent('h1')).toBe(`Rollout ${AWKWARD}`);
    const stages = await readStages(page);
    expect(stages.map((s) => s.key)).toEqual(chain);
    expect(stages.slice(0, 4)).toEqual([
      { key: chain[0], state: 'succeeded', attempts: ['1:succeeded'] },
      { key: chain[1], state: 'succeeded', attempts: ['1:failed', '2:succeeded'] },
      { key: chain[2], state: 'failed', attempts: ['1:failed'] },
      { key: chain[3], state: 'not-reached', attempts: [] },
    ]);
    const failed = page.locator(`section[data-stage="${chain[1]}"] [data-attempt="1"]`);
    expect(await failed.textContent()).toContain('E503');
    expect(await failed.locator('a[href^="/errors/"]').count()).toBe(1);
    expect(await failed.locator(`a[href="${hostHref(HOST)}"]`).textContent()).toBe(HOST);
    expect(await page.locator(`section[data-stage="${chain[1]}"] [data-attempt="2"]`).textContent()).toContain('e2e/places:1.0');
    expect(await page.locator('table[data-table=violations] tbody tr').first().textContent()).toContain('this rollout');
    await shot(page, 'rollout');
    await page.click(`a[href="${hostHref(HOST)}"] >> nth=0`);
    await page.waitForURL(`${base()}${hostHref(HOST)}`);
    expect(await page.textContent('h1')).toBe(`Host ${HOST} · week ${WEEK}, ${weekDays(WEEK)[0]} – ${weekDays(WEEK)[6]}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a rollout from the search box: an exact id goes straight to its page', async () => {
    const demo = await withDb((db) => db.prisma.rollout.findFirstOrThrow({ where: { outcome: 'failed', failedRuns: { gt: 1 } }, orderBy: { id: 'desc' }, include: { runs: true } }));
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.fill('header form[role=search] input[name=q]', demo.id);
    await page.press('header form[role=search] input[name=q]', 'Enter');
    await page.waitForURL(`${base()}${rolloutHref(demo.id)}`);
    const stages = await readStages(page);
    expect(stages.map((s) => s.key)).toEqual(chain);
    expect(stages.flatMap((s) => s.attempts)).toHaveLength(demo.runs.length);
    expect(stages.some((s) => s.state === 'failed')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a host and a service with their figures for the reported week, matching the stored runs', async () => {
    const week = weekDays(WEEK);
    const { host, runs, rollouts, attempts } = await withDb(async (db) => {
      const where = { day: { gte: week[0]!, lte: week[6]! } };
      const top = (await db.prisma.errorEvent.groupBy({ by: ['host'], where, _count: { _all: true }, orderBy: [{ _count: { id: 'desc' } }, { host: 'asc' }], take: 1 }))[0]!.host!;
      return {
        host: top, runs: await db.prisma.stageRun.count({ where: { ...where, host: top } }), rollouts: await db.prisma.rollout.count({ where: { ...where, service } }),
        attempts: await db.prisma.stageRun.count({ where: { ...where, service } }),
      };
    });
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    const sum = async (table: string, column: number) => (await page.locator(`table[data-table=${table}] tbody td:nth-child(${column})`).allTextContents()).reduce((a, t) => a + Number(t.replace(/,/g, '')), 0);
    expect((await page.goto(`${base()}${hostHref(host)}`))?.status()).toBe(200);
    expect(await page.textContent('h1')).toContain(`week ${WEEK}`);
    expect(await sum('stages', 2)).toBe(runs);
    expect(await page.locator('table[data-table=classes] tbody a[href^="/errors/"]').count()).toBeGreaterThan(0);
    expect(await page.locator('table[data-table=rollouts] tbody a[href^="/rollouts/"]').count()).toBeGreaterThan(0);
    await shot(page, 'host');
    expect((await page.goto(`${base()}${serviceHref(service)}`))?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe(`Service ${service} · week ${WEEK}, ${week[0]} – ${week[6]}`);
    expect(await page.textContent('[data-summary]')).toContain(`${rollouts.toLocaleString('en-US')} rollouts`);
    expect(await sum('stages', 2)).toBe(attempts);
    await shot(page, 'service');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds a service, a host and an error text from the search box, and says when nothing matches', async () => {
    const { host, text } = await withDb(async (db) => ({
      host: (await db.prisma.hostEnvSeen.findFirstOrThrow({ where: { host: { not: HOST } }, orderBy: { host: 'asc' } })).host,
      text: (await db.prisma.errorClass.findFirstOrThrow({ where: { mergedIntoId: null }, orderBy: { eventCount: 'desc' } })).template.split(' ').find((w) => w.length > 5 && !w.includes('<'))!,
    }));
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    const search = async (q: string) => {
      await page.fill('header form[role=search] input[name=q]', q);
      await page.press('header form[role=search] input[name=q]', 'Enter');
      await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === q);
    };
    await search(service.slice(1, -1).toUpperCase());
    expect(await page.locator(`[data-results=services] a[href="${serviceHref(service)}"]`).count()).toBe(1);
    await search(host.slice(2));
    expect(await page.locator(`[data-results=hosts] a[href="${hostHref(host)}"]`).count()).toBe(1);
    await search(text);
    expect(await page.locator('[data-results=classes] a[href^="/errors/"]').count()).toBeGreaterThan(0);
    await shot(page, 'search');
    await search('100%_ü');
    expect(await page.locator(`[data-results=rollouts] a[href="${rolloutHref(AWKWARD)}"]`).count()).toBe(0);
    await search('e2e places/100%_');
    expect(await page.locator(`[data-results=rollouts] a[href="${rolloutHref(AWKWARD)}"]`).count()).toBe(1);
    await search('zz-no-such-thing-%_');
    expect(await page.locator('[data-empty]').textContent()).toContain('Nothing found');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the not-found page for an unknown rollout, host or service, and 400 for a query too long', async () => {
    const { page } = await signInPage(browser, base(), USERS.viewer);
    for (const href of [rolloutHref('no such rollout %'), rolloutHref(AWKWARD.toUpperCase()), hostHref('no-such-host'), serviceHref('no/such service')]) {
      expect((await page.goto(`${base()}${href}`))?.status(), href).toBe(404);
      expect(await page.textContent('h1'), href).toBe('Not found');
    }
    const long = await page.goto(`${base()}/search?q=${'x'.repeat(300)}`);
    expect(long?.status()).toBe(400);
    expect(await page.textContent('li')).toContain('q: is longer than 256 characters');
    await page.close();
  });
});
