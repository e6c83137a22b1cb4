import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDb } from '../../lib/db';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { USERS, signInPage } from './setup';

/** The class page's tracker link (set, refused, cleared; read-only for viewers) and Settings → Alerts (channels: admins only). */
let browser: Browser;
const base = () => inject('baseUrl');
const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

async function someClassId(): Promise<number> {
  const db = await openDb(inject('databaseUrl'));
  try {
    return (await db.prisma.errorClass.findFirstOrThrow({ where: { mergedIntoId: null, status: 'open' }, orderBy: { eventCount: 'desc' } })).id;
  } finally {
    await db.close();
  }
}

describe.skipIf(!HAS_CHROMIUM)('alerts in the dashboard', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('an engineer links a class to its tracker issue; a bad link is refused naming the field; a viewer only sees it', async () => {
    const id = await someClassId();
    const { page, errors } = await signInPage(browser, base(), USERS.engineer);
    await page.goto(`${base()}/errors/${id}`);
    const box = page.getByLabel('Tracker issue');
    await expect.poll(() => box.textContent()).toContain('none linked');
    // The browser's own URL check is bypassed to reach the server's.
    await box.locator('input[name=trackerUrl]').evaluate((el) => el.setAttribute('type', 'text'));
    await box.locator('input[name=trackerUrl]').fill('javascript:alert(1)');
    await box.getByRole('button', { name: 'Save link' }).click();
    await expect.poll(() => box.getByRole('status').textContent()).toContain('trackerUrl');
    await box.locator('input[name=trackerUrl]').fill('https://tracker.example.com/issues/77');
    await box.getByRole('button', { name: 'Save link' }).click();
    await expect.poll(() => box.getByRole('status').textContent()).toBe('tracker link saved');
    await page.reload();
    expect(await page.getByLabel('Tracker issue').getByRole('link').getAttribute('href')).toBe('https://tracker.example.com/issues/77');
    // The class history says what changed, in words.
    expect(await page.textContent('body')).toContain('tracker issue → https://tracker.example.com/issues/77');
    await shot(page, 'class-tracker-link');
    const viewer = await signInPage(browser, base(), USERS.viewer);
    await viewer.page.goto(`${base()}/errors/${id}`);
    expect(await viewer.page.getByLabel('Tracker issue').getByRole('link').textContent()).toBe('https://tracker.example.com/issues/77');
    expect(await viewer.page.locator('input[name=trackerUrl]').count()).toBe(0);
    // The class list shows the link too, on the class's row.
    await viewer.page.goto(`${base()}/errors`);
    expect(await viewer.page.locator(`tr[data-class="${id}"] a[data-tracker]`).getAttribute('href')).toBe('https://tracker.example.com/issues/77');
    // Put it back for the other tests.
    await box.locator('input[name=trackerUrl]').fill('');
    await page.getByLabel('Tracker issue').getByRole('button', { name: 'Save link' }).click();
    await expect.poll(() => page.getByLabel('Tracker issue').getByRole('status').textContent()).toBe('tracker link removed');
    expect([...errors, ...viewer.errors]).toEqual([]);
    await Promise.all([page.close(), viewer.page.close()]);
  });

  it('Settings shows the alerts section', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.admin);
    await page.goto(`${base()}/settings`);
    const section = page.getByRole('region', { name: 'Alerts' });
    expect(await section.textContent()).toContain('No alerts file (ROLLSCOPE_ALERTS_FILE)');
    await section.scrollIntoViewIfNeeded();
    await shot(page, 'settings-alerts');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an admin adds a webhook channel (listed by host only) and removes it; a bad URL is refused naming the field', async () => {
    const { page, errors } = await signInPage(browser, base(), USERS.admin);
    await page.goto(`${base()}/settings`);
    const form = page.getByRole('form', { name: 'Add an alert channel' });
    const name = `e2e-${Date.now().toString(36)}`;
    // React resets the form after each action: fill every field each time.
    const submit = async (url: string) => {
      await form.locator('select[name=owner]').selectOption('build');
      await form.locator('select[name=kind]').selectOption('webhook');
      await form.locator('input[name=name]').fill(name);
      // The browser's own URL check is bypassed to reach the server's.
      await form.locator('input[name=url]').evaluate((el) => el.setAttribute('type', 'text'));
      await form.locator('input[name=url]').fill(url);
      await form.getByRole('button', { name: 'Add channel' }).click();
    };
    await submit('ftp://hooks.e2e.example.com/x');
    await expect.poll(() => form.getByRole('status').textContent()).toContain('url: must be an http(s) URL');
    await submit('https://hooks.e2e.example.com/services/T1/B1/E2ESECRET');
    await expect.poll(() => form.getByRole('status').textContent()).toBe(`Added build/${name}: webhook at hooks.e2e.example.com.`);
    await page.reload();
    const row = page.locator(`tr[data-channel="build/${name}"]`);
    expect(await row.textContent()).toContain('webhook at hooks.e2e.example.com');
    expect(await row.textContent()).toContain(`by ${USERS.admin}`);
    // Neither the HTML nor the React payload carries the secret URL.
    expect(await page.content()).not.toContain('E2ESECRET');
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'settings-alert-channel-added');
    await row.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.locator(`tr[data-channel="build/${name}"]`).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Alerts' }).textContent()).toContain(`build/${name} (webhook at hooks.e2e.example.com) by ${USERS.admin}`);
    await shot(page, 'settings-alert-channel-removed');
    for (const who of [USERS.viewer, USERS.engineer]) {
      const other = await signInPage(browser, base(), who);
      await other.page.goto(`${base()}/settings`);
      expect(await other.page.getByRole('form', { name: 'Add an alert channel' }).count()).toBe(0);
      expect(await other.page.locator('tr[data-channel]').count()).toBe(0);
      await other.page.close();
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
