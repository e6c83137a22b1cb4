import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDb, type Db } from '../../lib/db';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { USERS, signInPage } from './setup';

/** People: admins add users in Settings (password or one-time link), change roles, disable; users set their password. */
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
const PW_USER = 'people-pw@e2e.test';
const LINK_USER = 'people-link@e2e.test';
let browser: Browser;
let db: Db;
let admin: { page: Page; errors: string[] };
const base = () => inject('baseUrl');
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SHOTS, `people-${name}.png`), fullPage: true });
const userRow = (page: Page, email: string) =>
  page.locator('section[aria-labelledby=users-heading] tbody tr', { hasText: email });

/** Submits a form and returns the answer it shows (role=status, or the alert of the sign-in pages). */
async function submit(page: Page, form: string, button?: string): Promise<string> {
  const status = page.locator(`${form} [role=status], ${form} [role=alert]`);
  await page
    .locator(form)
    .locator(button ? `button:has-text("${button}")` : 'button[type=submit]')
    .click();
  await status.first().waitFor();
  return (await status.first().textContent()) ?? '';
}

async function signInAs(email: string, password: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`${base()}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base()}/`);
  return page;
}

describe.runIf(HAS_CHROMIUM)('people: users and roles in a real browser', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    db = await openDb(inject('databaseUrl'));
    mkdirSync(SHOTS, { recursive: true });
    admin = await signInPage(browser, base(), USERS.admin, 20_000);
  });
  afterAll(async () => {
    // Leave no failed attempts from this address (link guesses, a wrong current password) for the other browser tests.
    await db?.prisma.signInAttempt.deleteMany({
      where: { OR: [{ email: { startsWith: 'link:' } }, { email: { in: [PW_USER, LINK_USER] } }] },
    });
    await db?.close();
    await browser?.close();
  });

  it('adds a user with a password in Settings; they sign in and change their own password', async () => {
    const page = admin.page;
    await page.goto(`${base()}/settings`);
    const form = 'form[aria-label="Add a user"]';
    await page.fill(`${form} input[name=email]`, PW_USER);
    await page.fill(`${form} input[name=name]`, 'Pat Password');
    await page.selectOption(`${form} select[name=role]`, 'engineer');
    await page.selectOption(`${form} select[name=credential]`, 'password');
    await page.fill(`${form} input[name=password]`, 'first password 1');
    expect(await submit(page, form)).toBe(
      `Added ${PW_USER} (engineer).\nThey sign in with the password you gave (not shown again).`,
    );
    await expect
      .poll(() => userRow(page, PW_USER).textContent())
      .toMatch(/Pat Password.*active.*password.*set .*added as engineer.*admin@e2e\.test/);

    const user = await signInAs(PW_USER, 'first password 1');
    await user.goto(`${base()}/account`);
    expect(await user.locator('main').textContent()).toMatch(
      /NamePat Password.*E-mail.*people-pw@e2e\.test.*Roleengineer/,
    );
    const change = 'form[aria-label="Change your password"]';
    await user.fill(`${change} input[name=current]`, 'not my password');
    await user.fill(`${change} input[name=password]`, 'second password 2');
    await user.fill(`${change} input[name=confirm]`, 'second password 2');
    expect(await submit(user, change)).toBe('current: is not your current password');
    await user.fill(`${change} input[name=current]`, 'first password 1');
    await user.fill(`${change} input[name=password]`, 'second password 2');
    await user.fill(`${change} input[name=confirm]`, 'second password 2');
    await user.locator(change).locator('button').click();
    await expect
      .poll(() => user.locator(`${change} [role=status]`).textContent())
      .toBe('Password changed. Your other sessions were signed out.');
    await user.reload();
    expect(await user.locator('main').textContent()).toContain('password changed on /account');
    await shot(user, 'account');
    await user.close();
    await (await signInAs(PW_USER, 'second password 2')).close();
  });

  it('adds a user with a one-time link; they set a password with it, once; broken links get a clear page', async () => {
    const page = admin.page;
    await page.goto(`${base()}/settings`);
    const form = 'form[aria-label="Add a user"]';
    await page.fill(`${form} input[name=email]`, LINK_USER);
    await page.fill(`${form} input[name=name]`, 'Lee Link');
    const answer = await submit(page, form);
    expect(answer).toMatch(
      new RegExp(
        '^Added people-link@e2e\\.test \\(viewer\\)\\.\\nOne-time sign-in link, valid until .* \\(72 h\\), shown only now:\\n' +
          'http://localhost:\\d+/login/link\\?token=[\\w-]{43}$',
      ),
    );
    // The link names ROLLSCOPE_BASE_URL (localhost:PORT); the browser stays on the test's origin.
    const shown = new URL(answer.split('\n').at(-1)!);
    const link = `${base()}${shown.pathname}${shown.search}`;
    await shot(page, 'settings-added');
    const owner = await db.prisma.owner.findFirstOrThrow({ where: { kind: 'person' }, orderBy: { id: 'asc' } });
    await page.selectOption('form[aria-label="Link an owner"] select[name=email]', LINK_USER);
    await page.selectOption('form[aria-label="Link an owner"] select[name=owner]', owner.id);
    expect(await submit(page, 'form[aria-label="Link an owner"]')).toBe(`${owner.id} linked to ${LINK_USER}.`);

    const user = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await user.goto(link);
    expect(await user.locator('h1').textContent()).toBe('Set your password');
    await shot(user, 'link-form');
    const setForm = 'form[aria-label="Set your password"]';
    await user.fill(`${setForm} input[name=password]`, 'link password 1');
    await user.fill(`${setForm} input[name=confirm]`, 'link password 2');
    expect(await submit(user, setForm)).toBe('confirm: does not match the new password');
    await user.fill(`${setForm} input[name=password]`, 'link password 1');
    await user.fill(`${setForm} input[name=confirm]`, 'link password 1');
    await user.locator(setForm).locator('button').click();
    await user.waitForURL(`${base()}/`);
    await user.goto(`${base()}/account`);
    expect(await user.locator('main').textContent()).toMatch(
      new RegExp(`Lee Link.*Roleviewer.*Acts for \\(person\\)${owner.name} \\(${owner.id}\\)`),
    );
    await user.goto(link);
    expect(await user.locator('p[role=alert]').textContent()).toMatch(
      /^This sign-in link was used already \(.* UTC\): sign in with your password/,
    );
    await shot(user, 'link-used');
    await user.goto(`${base()}/login/link?token=${encodeURIComponent(link.slice(-20))}`);
    expect(await user.locator('p[role=alert]').textContent()).toMatch(/^This sign-in link is incomplete or mistyped/);
    await user.close();
    await (await signInAs(LINK_USER, 'link password 1')).close();
  });

  it('changes a role and disables a user, who is signed out at once; the history says who did it', async () => {
    const user = await signInAs(PW_USER, 'second password 2');
    const page = admin.page;
    await page.goto(`${base()}/settings`);
    const roleForm = `form[aria-label="Role of ${PW_USER}"]`;
    await page.selectOption(`${roleForm} select[name=role]`, 'viewer');
    expect(await submit(page, roleForm)).toBe(`${PW_USER}: engineer → viewer.`);
    await expect.poll(() => page.locator(`${roleForm} select`).inputValue()).toBe('viewer');
    await user.goto(`${base()}/account`);
    expect(await user.locator('main').textContent()).toContain('Roleviewer');
    await page.locator(`form[aria-label="Disable ${PW_USER}"] button`).click();
    await expect.poll(() => userRow(page, PW_USER).locator('form[aria-label^="Enable"]').count()).toBe(1);
    await user.goto(`${base()}/account`);
    expect(user.url()).toContain('/login');
    const history = page.locator('section[aria-labelledby=user-changes-heading] tbody tr');
    expect(await history.nth(0).textContent()).toMatch(
      /people-pw@e2e\.test.*disabled \(signed out everywhere\).*admin@e2e\.test/,
    );
    expect(await history.nth(1).textContent()).toMatch(/people-pw@e2e\.test.*role engineer → viewer.*admin@e2e\.test/);
    await shot(page, 'settings-users');
    await user.close();
  });

  it('refuses to let the last admin disable or demote themselves, and says why', async () => {
    const page = admin.page;
    await page.goto(`${base()}/settings`);
    expect(await db.prisma.user.count({ where: { role: 'admin', disabledAt: null } })).toBe(1);
    expect(await submit(page, `form[aria-label="Disable ${USERS.admin}"]`)).toMatch(
      /^you are the last active admin: make another user an admin first/,
    );
    const roleForm = `form[aria-label="Role of ${USERS.admin}"]`;
    await page.selectOption(`${roleForm} select[name=role]`, 'viewer');
    expect(await submit(page, roleForm)).toMatch(/^you are the last active admin/);
    // The refused change leaves the select on the role the admin still has.
    await expect.poll(() => page.locator(`${roleForm} select`).inputValue()).toBe('admin');
    await shot(page, 'last-admin');
    expect(await db.prisma.user.findUniqueOrThrow({ where: { email: USERS.admin } })).toMatchObject({
      role: 'admin',
      disabledAt: null,
    });
    expect(admin.errors).toEqual([]);
  });
});
