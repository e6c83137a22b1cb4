import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteClassRule } from '../../lib/classify/class-rule-store';
import { loadCategoryConfig, loadRoutingConfig } from '../../lib/classify/rules';
import { openDb, type Db } from '../../lib/db';
import { weekOfInstant } from '../../lib/time/iso-week';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { PASSWORD, USERS, signInPage } from './setup';

/**
 * Class rules in a real browser on the seeded demo: an engineer splits a class from its page,
 * previews, saves and finds the rule's class with the events; moves and deletes a rule; a viewer
 * sees no edit controls, and the server refuses the viewer's forged posts.
 */
let browser: Browser;
const base = () => inject('baseUrl');
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const SPLIT = 'E2E split';
const SECOND = 'E2E second';

const signIn = (role: keyof typeof USERS) => signInPage(browser, base(), USERS[role], 20_000);

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(inject('databaseUrl'));
  return work(db).finally(() => db.close());
}

const ruleNamed = (db: Db, name: string) => db.prisma.classRule.findFirst({ where: { errorClass: { name } }, include: { errorClass: true } });
const figure = async (page: Page, name: string) => Number((await page.textContent(`[data-figure=${name}]`))!.replace(/,/g, ''));
const ruleNames = (page: Page) => page.locator('table[aria-label="Class rules"] tbody tr td:nth-child(2)').allTextContents();

describe.runIf(HAS_CHROMIUM)('class rules in the browser', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    // Leave the demo as it was for the other browser tests: rules deleted, events back with the miner.
    await withDb(async (db) => {
      const deps = { db, actor: 'e2e', categories: loadCategoryConfig(null), routing: loadRoutingConfig(null), timeZone: 'UTC' };
      for (const r of await db.prisma.classRule.findMany()) await deleteClassRule(deps, r.id);
    });
  });

  it('splits a class from its page: the preview shows the figures, Save moves exactly those events into the rule\'s class', async () => {
    const { page, errors } = await signIn('engineer');
    await page.goto(`${base()}/errors?week=${weekOfInstant(Date.now(), 'UTC')}`);
    const hrefs = await page.locator('tbody tr td a[href^="/errors/"]').evaluateAll((links) => links.slice(0, 15).map((a) => a.getAttribute('href')!));
    // A class with events from several services; the split takes its busiest service's only.
    const services = page.locator('h3:has-text("By service") + table tbody tr');
    let classHref = '';
    for (const href of hrefs) {
      await page.goto(`${base()}${href}`);
      if ((await services.count()) >= 2) {
        classHref = href;
        break;
      }
    }
    expect(classHref, hrefs.join(' ')).not.toBe('');
    const classId = Number(classHref.split('/').pop());
    const service = (await services.first().locator('td').first().textContent())!;
    await page.click('text=Split this class');
    await page.waitForURL(`${base()}/errors/rules/new?class=${classId}`);
    const template = await withDb(async (db) => (await db.prisma.errorClass.findUniqueOrThrow({ where: { id: classId } })).template);
    expect(await page.inputValue('textarea[name=pattern]')).toBe(template);
    expect(await page.inputValue('select[name=stage]')).not.toBe('');

    // Bad input first: each error beside its field, nothing saved.
    await page.selectOption('select[name=kind]', 'regex');
    await page.fill('textarea[name=pattern]', '(a)\\1');
    await page.fill('input[name=trackerUrl]', 'ftp://tracker.example.com/1');
    await page.click('button[value=save]');
    await expect.poll(() => page.textContent('[data-error-for=pattern]')).toContain('is not a regular expression RE2 accepts');
    expect(await page.textContent('[data-error-for=name]')).toBeTruthy();
    expect(await page.textContent('[data-error-for=trackerUrl]')).toContain('must be an http(s) link');
    expect(await withDb((db) => db.prisma.classRule.count())).toBe(0);

    await page.selectOption('select[name=kind]', 'template');
    await page.fill('textarea[name=pattern]', template);
    await page.fill('input[name=trackerUrl]', 'https://tracker.example.com/E2E-1');
    await page.fill('input[name=name]', SPLIT);
    await page.fill('input[name=service]', service);
    await page.click('button[value=preview]');
    await page.waitForSelector('[aria-label=Preview]');
    await shot(page, 'rule-preview');
    const events = await figure(page, 'events');
    const failedRollouts = await figure(page, 'failed-rollouts');
    expect(events).toBeGreaterThan(0);
    expect(await page.locator(`table[aria-label="From the classes"] a[href="/errors/${classId}"]`).count()).toBe(1);
    expect(await page.locator('table[aria-label=Examples] tbody tr').count()).toBeGreaterThan(0);
    // What was typed stays after the preview.
    expect(await page.inputValue('input[name=service]')).toBe(service);

    await page.click('button[value=save]');
    await expect.poll(() => page.textContent('p[role=status]'), { timeout: 30_000 }).toMatch(new RegExp(`Rule “${SPLIT}” created: ${events} events? re-classified in [\\d.]+ m?s .*; rankings of .* updated`));
    await page.waitForURL(/\/errors\/rules\/\d+$/);
    console.log(`split: ${await page.textContent('p[role=status]')}`);
    const rule = (await withDb((db) => ruleNamed(db, SPLIT)))!;
    // The demo's history lies within the 4 weeks previewed: the preview's figures are what moved.
    const stored = await withDb(async (db) => {
      const moved = await db.prisma.errorEvent.findMany({ where: { ruleId: rule.id }, select: { service: true, rolloutId: true, errorClassId: true } });
      const failed = await db.prisma.rollout.count({ where: { id: { in: [...new Set(moved.map((e) => e.rolloutId))] }, outcome: 'failed' } });
      return { moved, failed };
    });
    expect(stored.moved.length).toBe(events);
    expect(stored.failed).toBe(failedRollouts);
    expect(new Set(stored.moved.map((e) => `${e.service}/${e.errorClassId}`))).toEqual(new Set([`${service}/${rule.classId}`]));

    await page.click('text=Open its class');
    await page.waitForURL(`${base()}/errors/${rule.classId}`);
    expect(await page.textContent('h1')).toBe(SPLIT);
    await shot(page, 'rule-class');
    expect(await page.textContent('[aria-label="Class rule"]')).toContain('https://tracker.example.com/E2E-1');
    const why = await page.locator('[data-why-cell]').allTextContents();
    expect(why.length).toBeGreaterThan(0);
    expect(new Set(why)).toEqual(new Set([`rule ${SPLIT}`]));
    expect(await page.textContent('.tile .detail')).toContain(`${events.toLocaleString('en-US')} events`);
    // The class it came from explains its events by its template, values highlighted.
    await page.goto(`${base()}${classHref}`);
    expect(await page.locator('[data-why=template] mark.param').count()).toBeGreaterThan(0);
    await shot(page, 'split-source-class');
    await page.goto(`${base()}/errors?week=${weekOfInstant(Date.now(), 'UTC')}`);
    expect(await page.textContent('[data-ranking]')).toMatch(/Week in progress: the ranking updates as data arrives; computed \d{4}-\d\d-\d\d/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('moves a rule down the order and deletes one after asking, each time saying what moved', async () => {
    const { page, errors } = await signIn('engineer');
    // The split's template for every service, first in the order: it takes the split's events.
    const split = (await withDb((db) => ruleNamed(db, SPLIT)))!;
    await page.goto(`${base()}/errors/rules/new`);
    await page.fill('input[name=name]', SECOND);
    await page.fill('textarea[name=pattern]', split.pattern);
    await page.fill('input[name=position]', '1');
    await page.click('button[value=save]');
    await expect.poll(() => page.textContent('p[role=status]'), { timeout: 30_000 }).toContain(`Rule “${SECOND}” created`);

    await page.goto(`${base()}/errors/rules`);
    expect(await ruleNames(page)).toEqual([SECOND, SPLIT]);
    expect(await withDb((db) => db.prisma.errorEvent.count({ where: { ruleId: split.id } }))).toBe(0);
    await shot(page, 'rules');
    await page.click(`form[aria-label="Move down ${SECOND}"] button`);
    await expect.poll(() => page.textContent('p[role=status]'), { timeout: 30_000 }).toMatch(new RegExp(`Moved “${SECOND}” to position 2: [1-9][\\d,]* events? re-classified`));
    await expect.poll(() => ruleNames(page)).toEqual([SPLIT, SECOND]);
    console.log(`move: ${await page.textContent('p[role=status]')}`);
    expect(await withDb((db) => db.prisma.errorEvent.count({ where: { ruleId: split.id } }))).toBeGreaterThan(0);

    const second = (await withDb((db) => ruleNamed(db, SECOND)))!;
    await page.click(`form[aria-label="Delete ${SECOND}"] button:has-text("Delete")`);
    await expect.poll(() => page.textContent(`form[aria-label="Delete ${SECOND}"]`)).toContain('go back to the miner');
    expect(await ruleNames(page)).toEqual([SPLIT, SECOND]);
    await page.click(`form[aria-label="Delete ${SECOND}"] button:has-text("Yes, delete")`);
    await expect.poll(() => page.textContent('p[role=status]'), { timeout: 30_000 }).toMatch(new RegExp(`Deleted “${SECOND}”; its events went back to the miner's classes: [\\d,]+ events? re-classified`));
    await expect.poll(() => ruleNames(page)).toEqual([SPLIT]);
    const gone = await withDb(async (db) => ({ rule: await db.prisma.classRule.findUnique({ where: { id: second.id } }), cls: await db.prisma.errorClass.findUniqueOrThrow({ where: { id: second.classId } }), held: await db.prisma.errorEvent.count({ where: { ruleId: second.id } }) }));
    expect(gone).toMatchObject({ rule: null, cls: { status: 'retired', eventCount: 0 }, held: 0 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a viewer the rules without edit controls, and refuses the viewer\'s forged posts', async () => {
    const { page } = await signIn('viewer');
    await page.goto(`${base()}/errors/rules`);
    expect(await ruleNames(page)).toEqual([SPLIT]);
    for (const control of ['text=New rule', 'text=Edit', 'text=Delete', 'text=Move up', 'text=Move down']) expect(await page.locator(control).count(), control).toBe(0);
    const rule = (await withDb((db) => ruleNamed(db, SPLIT)))!;
    await page.goto(`${base()}/errors/${rule.classId}`);
    expect(await page.locator('text=Split this class').count()).toBe(0);
    await page.goto(`${base()}/errors/rules/new?class=${rule.classId}`);
    expect(page.url()).toBe(`${base()}/forbidden?need=engineer`);
    await page.goto(`${base()}/errors/rules/${rule.id}`);
    expect(page.url()).toBe(`${base()}/forbidden?need=engineer`);

    // An engineer's forms, their server-action fields posted as the viewer.
    const { page: engineer } = await signIn('engineer');
    await engineer.goto(`${base()}/errors/rules`);
    const hidden = (selector: string) => engineer.$$eval(`${selector} input[type=hidden]`, (inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]));
    const deleteFields = Object.fromEntries(await hidden(`form[aria-label="Delete ${SPLIT}"]`));
    await engineer.goto(`${base()}/errors/rules/new`);
    const saveFields = Object.fromEntries(await hidden('form[aria-label="Class rule"]'));
    await engineer.close();
    const forgedDelete = await page.request.post(`${base()}/errors/rules`, { multipart: { ...deleteFields, op: 'delete', id: String(rule.id) } });
    expect(forgedDelete.status()).toBeLessThan(500);
    expect(await forgedDelete.text()).toContain('this needs the engineer role; you are a viewer');
    const forgedSave = await page.request.post(`${base()}/errors/rules/new`, { multipart: { ...saveFields, name: 'Forged', kind: 'template', pattern: 'forged <*>' }, maxRedirects: 0 });
    expect(forgedSave.status()).toBeLessThan(500);
    const after = await withDb(async (db) => ({ rules: await db.prisma.classRule.count(), kept: await db.prisma.classRule.findUnique({ where: { id: rule.id } }) }));
    expect(after.rules).toBe(1);
    expect(after.kept).not.toBeNull();
    await page.close();
  });
});
