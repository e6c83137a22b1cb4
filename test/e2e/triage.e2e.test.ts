import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { openDb, type Db } from '../../lib/db';
import { listRankedWeeks } from '../../lib/rank/snapshots';
import { weekDays } from '../../lib/time/iso-week';
import { formatDay } from '../../lib/format';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { ENGINEER_PERSON, USERS, signInPage } from './setup';

/**
 * Triage in fewer steps, on the seeded demo: from the list's rows (assign to me, acknowledge,
 * resolve, reopen — with and without JavaScript, the filters kept), the person list following the
 * chosen team, viewers without buttons, the "mine" filter, and the class page's week beside all
 * time. One class of an older week is triaged; it and its decisions are put back afterwards.
 */
let browser: Browser;
const base = () => inject('baseUrl');
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
/** The whole page, and what a person first sees of it (the viewport), to look at. */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}-top.png`) });
}

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(inject('databaseUrl'));
  return work(db).finally(() => db.close());
}

const classFields = { status: true, ownerId: true, assigneeId: true, ownerSource: true, ownerRule: true, resolvedAt: true } as const;

/** A page without JavaScript, signed in by a session cookie (the sign-in form is not what is tested here). */
async function pageWithoutJs(email: string): Promise<Page> {
  const token = await withDb(async (db) => (await createSession(db, (await db.prisma.user.findUniqueOrThrow({ where: { email } })).id)).token);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1366, height: 900 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: base() }]);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

/** Without JavaScript a form's submit loads a new document: wait for it before reading the page. */
async function submitted(page: Page, click: Promise<void>): Promise<void> {
  await Promise.all([page.waitForEvent('framenavigated'), click]);
  await page.waitForLoadState('load');
}

describe.runIf(HAS_CHROMIUM)('triage from the class list', () => {
  let week: string;
  let id: number;
  let listUrl: string;
  let saved: Record<string, unknown>;
  let lastDecision: number;
  const row = (page: Page) => page.locator(`tr[data-class="${id}"]`);
  const rowButton = (page: Page, label: string) => row(page).locator(`form[data-row-actions="${id}"] button`, { hasText: label });
  const rowStatus = (page: Page) => row(page).locator(`form[data-row-actions="${id}"] [role=status]`);

  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    await withDb(async (db) => {
      const weeks = await listRankedWeeks(db);
      week = weeks[1] ?? weeks[0]!;
      // The most failing class of the week open to triage: first on the list sorted by failures.
      const entries = await db.prisma.rankingEntry.findMany({ where: { snapshot: { week } }, orderBy: [{ failures: 'desc' }, { rank: 'asc' }], include: { errorClass: true } });
      const target = entries.find((e) => e.errorClass.status === 'open' && e.errorClass.mergedIntoId === null && e.errorClass.ownerId !== 'sre')!;
      id = target.classId;
      saved = await db.prisma.errorClass.findUniqueOrThrow({ where: { id }, select: classFields });
      lastDecision = (await db.prisma.classDecision.aggregate({ _max: { id: true } }))._max.id ?? 0;
    });
    listUrl = `${base()}/errors?week=${week}&sort=failures`;
  });

  afterAll(async () => {
    await withDb(async (db) => {
      await db.prisma.errorClass.update({ where: { id }, data: saved });
      await db.prisma.classDecision.deleteMany({ where: { id: { gt: lastDecision } } });
    });
    await browser?.close();
  });

  it('assigns to me, acknowledges and resolves from the row, keeping the filters, as decisions by my e-mail', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.engineer);
    await page.goto(listUrl);
    await rowButton(page, 'Assign to me').click();
    await expect.poll(() => rowStatus(page).textContent()).toBe('assigned to you (Aisha Khan)');
    await expect.poll(() => row(page).locator('[data-owner]').textContent()).toContain('Aisha Khan');
    expect(await row(page).locator('[data-mine]').textContent()).toBe('yours');
    await rowButton(page, 'Acknowledge').click();
    await expect.poll(() => row(page).locator('[data-status]').textContent()).toBe('acknowledged');
    await rowButton(page, 'Resolve').click();
    await expect.poll(() => row(page).locator('[data-status]').textContent()).toBe('resolved');
    expect(await rowButton(page, 'Reopen').count()).toBe(1);
    expect(page.url()).toBe(listUrl);
    await shot(page, 'triage-row-actions');
    const recorded = await withDb((db) => db.prisma.classDecision.findMany({ where: { classId: id, id: { gt: lastDecision } }, orderBy: { id: 'asc' } }));
    expect(recorded.map((d) => [d.kind, d.value, d.actor])).toEqual([
      ['owner', { ownerId: saved.ownerId, assigneeId: ENGINEER_PERSON, self: true }, USERS.engineer],
      ['status', { status: 'acknowledged' }, USERS.engineer],
      ['status', { status: 'resolved' }, USERS.engineer],
    ]);
    // "Mine": the class assigned to me, and the classes of my team (SRE), nothing else.
    await page.goto(`${base()}/errors?week=${week}&sort=failures&mine=1`);
    expect(await row(page).count()).toBe(1);
    const owners = await page.locator('table[data-table=classes] tbody [data-owner]').allTextContents();
    expect(owners.every((o) => /^SRE|Aisha Khan/.test(o))).toBe(true);
    expect(await page.isChecked('input[name=mine]')).toBe(true);
    // The CSV export of the same URL holds the same classes.
    const listed = await page.locator('table[data-table=classes] tbody tr[data-class]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-class')));
    const csv = await (await page.request.get(`${base()}/api/errors/export?week=${week}&sort=failures&mine=1`)).text();
    expect(csv.trim().split('\r\n').slice(1).map((line) => line.split(',')[1])).toEqual(listed);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works without JavaScript: the answer is the same list, filters and all, with the row\'s message', async () => {
    await withDb((db) => db.prisma.errorClass.update({ where: { id }, data: { status: 'resolved' } }));
    const page = await pageWithoutJs(USERS.engineer);
    await page.goto(listUrl);
    await submitted(page, rowButton(page, 'Reopen').click());
    expect(page.url()).toBe(listUrl);
    expect(await rowStatus(page).textContent()).toBe('reopened');
    expect(await row(page).locator('[data-status]').textContent()).toBe('open');
    expect(await page.inputValue('form[aria-label=Filters] select[name=sort]')).toBe('failures');
    await submitted(page, rowButton(page, 'Acknowledge').click());
    expect(await row(page).locator('[data-status]').textContent()).toBe('acknowledged');
    // The bulk bar without JavaScript: every action's fields show; a person picked alone brings their team.
    const people = await page.locator('form#triage select[name=assignee] optgroup[label="Image Registry"] option').allTextContents();
    expect(people.sort()).toEqual(['Li Wei', 'Maria Garcia']);
    await page.selectOption('form#triage select[name=op]', 'owner');
    await page.selectOption('form#triage select[name=assignee]', 'maria.garcia');
    await row(page).locator('input[name=ids]').check();
    await submitted(page, page.click('form#triage button[type=submit]'));
    expect(await page.textContent('form#triage [role=status]')).toBe('owner saved for 1 class(es)');
    expect(await withDb((db) => db.prisma.errorClass.findUniqueOrThrow({ where: { id }, select: { ownerId: true, assigneeId: true } })))
      .toEqual({ ownerId: 'registry', assigneeId: 'maria.garcia' });
    await shot(page, 'triage-no-js');
    await page.context().close();
  });

  it('shows only the chosen team\'s people, and picking a person alone chooses their team', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.engineer);
    await page.goto(listUrl);
    await page.selectOption('form#triage select[name=op]', 'owner');
    const people = () => page.locator('form#triage select[name=assignee] option').allTextContents();
    await page.selectOption('form#triage select[name=owner]', 'sre');
    expect(await people()).toEqual(['(nobody)', 'Aisha Khan', 'David Kim']);
    await page.selectOption('form#triage select[name=assignee]', 'david.kim');
    await page.selectOption('form#triage select[name=owner]', 'registry');
    expect(await people()).toEqual(['(nobody)', 'Li Wei', 'Maria Garcia']);
    expect(await page.inputValue('form#triage select[name=assignee]')).toBe('');
    await page.selectOption('form#triage select[name=owner]', 'auto');
    await page.selectOption('form#triage select[name=assignee]', 'david.kim');
    expect(await page.inputValue('form#triage select[name=owner]')).toBe('sre');
    await row(page).locator('input[name=ids]').check();
    await page.click('form#triage button[type=submit]');
    await expect.poll(() => page.textContent('form#triage [role=status]')).toBe('owner saved for 1 class(es)');
    expect(await withDb((db) => db.prisma.errorClass.findUniqueOrThrow({ where: { id }, select: { ownerId: true, assigneeId: true } })))
      .toEqual({ ownerId: 'sre', assigneeId: 'david.kim' });
    // The list filtered by a team starts the picker on it: no team picked twice.
    await page.goto(`${base()}/errors?week=${week}&owner=traffic`);
    await page.selectOption('form#triage select[name=op]', 'owner');
    expect(await page.inputValue('form#triage select[name=owner]')).toBe('traffic');
    expect(await people()).toEqual(['(nobody)', 'Nina Patel', 'Olga Ivanova']);
    await shot(page, 'triage-team-people');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tells an account that acts for no person that an admin can link it in Settings', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.admin);
    await page.goto(listUrl);
    await rowButton(page, 'Assign to me').click();
    await expect.poll(() => rowStatus(page).textContent()).toMatch(/^your account \(admin@e2e\.test\) acts for no person .*an admin can link it to one in Settings/);
    await page.goto(`${base()}/errors?week=${week}&mine=1`);
    expect(await page.textContent('[data-mine-unlinked]')).toContain('an admin can link it to one in Settings');
    await shot(page, 'triage-unlinked');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives a viewer no row actions, and refuses the action posted anyway', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.viewer);
    await page.goto(listUrl);
    expect(await row(page).count()).toBe(1);
    expect(await page.locator('form[data-row-actions]').count()).toBe(0);
    expect(await page.locator('form#triage').count()).toBe(0);
    await page.goto(`${base()}/errors/${id}`);
    expect(await page.locator('form[data-row-actions]').count()).toBe(0);
    // The engineer's row form, posted with the viewer's session: refused, nothing changes.
    const engineerHtml = await (await fetch(listUrl, { headers: { cookie: await cookieOf(USERS.engineer) } })).text();
    const start = engineerHtml.search(new RegExp(`<form[^>]*data-row-actions="${id}"`));
    const form = engineerHtml.slice(start, engineerHtml.indexOf('</form>', start));
    const body = new FormData();
    for (const m of form.matchAll(/<input type="hidden" name="(\$ACTION[^"]*)"(?: value="([^"]*)")?/g)) body.append(m[1]!, (m[2] ?? '').replace(/&quot;/g, '"'));
    body.append('id', String(id));
    body.append('op', 'resolve');
    const before = await withDb((db) => db.prisma.classDecision.count());
    const res = await fetch(listUrl, { method: 'POST', headers: { cookie: await cookieOf(USERS.viewer) }, body, redirect: 'manual' });
    expect(res.status).toBeLessThan(500);
    expect(await withDb((db) => db.prisma.classDecision.count())).toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the class page\'s figures for the week asked for beside all time, and links each event\'s rollout', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.engineer);
    await page.goto(`${base()}/errors/${id}?week=${week}`);
    const days = weekDays(week);
    const period = `Week ${week} (${formatDay(days[0]!)} – ${formatDay(days[6]!)})`;
    expect(await page.textContent('[data-period-heading]')).toBe(`${period} and all time`);
    expect(await page.locator('table[data-table=class-figures] thead th').allTextContents()).toEqual(['Figure', `Week ${week}`, 'All time']);
    const { entry, events } = await withDb(async (db) => ({
      entry: await db.prisma.rankingEntry.findFirstOrThrow({ where: { classId: id, snapshot: { week } } }),
      events: (await db.prisma.errorClass.findUniqueOrThrow({ where: { id } })).eventCount,
    }));
    const cell = (figure: string, period: 'week' | 'all') => page.textContent(`tr[data-figure="${figure}"] [data-period=${period}]`);
    expect(await cell('Failures (events)', 'week')).toMatch(new RegExp(`^${entry.failures.toLocaleString('en-US')} \\([+−][\\d,]+ vs the week before\\)$`));
    expect(await cell('Failures (events)', 'all')).toBe(events.toLocaleString('en-US'));
    expect(await cell('Failed rollouts', 'week')).toBe(entry.failedRollouts.toLocaleString('en-US'));
    expect(await cell('Services', 'week')).toBe(String(entry.services));
    expect(await cell('Hosts', 'week')).toBe(String(entry.hosts));
    expect(Number((await cell('Failed rollouts', 'all'))!.replace(/,/g, ''))).toBeGreaterThanOrEqual(entry.failedRollouts);
    expect(await cell('Seen', 'all')).toMatch(/^first \d{4}-\d\d-\d\d \d\d:\d\d UTC, last \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const links = page.locator('tr[data-event] a[href^="/rollouts/"]');
    expect(await links.count()).toBe(await page.locator('tr[data-event]').count());
    expect(await links.first().getAttribute('href')).toBe(`/rollouts/${encodeURIComponent((await links.first().textContent())!)}`);
    // The row's buttons are on the class page too.
    expect(await page.locator(`form[data-row-actions="${id}"] button`).count()).toBeGreaterThan(0);
    await shot(page, 'triage-class-page');
    expect(errors).toEqual([]);
    await page.close();
  });
});

async function cookieOf(email: string): Promise<string> {
  return withDb(async (db) => `${SESSION_COOKIE}=${(await createSession(db, (await db.prisma.user.findUniqueOrThrow({ where: { email } })).id)).token}`);
}
