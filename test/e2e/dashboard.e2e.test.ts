import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIngestToken } from '../../lib/auth/ingest-tokens';
import { openDb } from '../../lib/db';
import { HAS_CHROMIUM, launchChromium } from '../helpers/browser';
import { PASSWORD, USERS, signInPage } from './setup';

const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'pages');
let browser: Browser;
const base = () => inject('baseUrl');

const signIn = (role: keyof typeof USERS) => signInPage(browser, base(), USERS[role]);

describe.runIf(HAS_CHROMIUM)('the dashboard in a real browser', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => browser?.close());

  it('sends strangers to the sign-in page, refuses a wrong password, signs in and out', async () => {
    const page = await browser.newPage();
    await page.goto(`${base()}/errors`);
    expect(page.url()).toBe(`${base()}/login?next=%2Ferrors`);
    await page.fill('input[name=email]', USERS.viewer);
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toBe('wrong e-mail or password');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base()}/errors`).catch(async (e) => {
      throw new Error(`after sign-in: ${page.url()} ${await page.textContent('body')}; ${(e as Error).message}`);
    });
    await page.click('text=Sign out');
    await page.waitForURL(`${base()}/login`).catch(async (e) => {
      throw new Error(`after sign-out: ${page.url()}; ${(e as Error).message}`);
    });
    await page.goto(`${base()}/`);
    expect(page.url()).toContain('/login');
    await page.close();
  });

  it('loads every page without console errors, and keeps a screenshot of each', async () => {
    const { page, errors } = await signIn('admin');
    await page.goto(`${base()}/errors`);
    const firstClass = await page.getAttribute('tbody tr:first-child td a', 'href');
    const pages = { overview: '/', errors: '/errors', 'error-class': firstClass!, stages: '/stages', stage: '/stages/image-pull', admission: '/admission', 'admission-rule': '/admission/fixed-prerelease-host', quarantine: '/quarantine', digests: '/digests', settings: '/settings' };
    for (const [name, url] of Object.entries(pages)) {
      const res = await page.goto(`${base()}${url}`);
      expect(res?.status(), url).toBe(200);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('h1').first().textContent(), url).toBeTruthy();
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps to its Content-Security-Policy: the e-mail preview renders in its sandbox, scripts run, 404s too', async () => {
    const db = await openDb(inject('databaseUrl'));
    const html = '<table style="border-collapse:collapse"><tr><td id="cell" style="color:#b00000;padding:4px">Owner digest for CSP</td></tr></table>';
    const message = await db.prisma.digestMessage.create({ data: { week: '2026-W47', recipient: 'csp@e2e.test', kind: 'owner', subject: 'CSP e2e digest', html, text: 'Owner digest for CSP' } }).finally(() => db.close());
    const { page, errors } = await signIn('admin');
    // Injected by the browser itself, so the page's CSP does not apply to this listener.
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)));
    expect((await page.goto(`${base()}/digests/${message.id}`))?.status()).toBe(200);
    const cell = page.frameLocator('iframe[title="E-mail preview"]').locator('#cell');
    await expect.poll(() => cell.textContent()).toBe('Owner digest for CSP');
    expect(await cell.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(176, 0, 0)');
    // The policy is enforced: the real page and headers with a script written into the HTML (a stored
    // injection) that carries no nonce; the browser refuses it.
    const listUrl = `${base()}/digests?week=2026-W47`;
    await page.route(listUrl, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('</body>', '<script>document.body.dataset.injected = "yes"</script></body>');
      await route.fulfill({ response, body });
    });
    await page.goto(listUrl);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => document.body.dataset.injected ?? 'no')).toBe('no');
    const logged = errors.splice(0);
    const isRefusal = (e: string) => /CSP violation: script-src-elem inline|(Refused to execute|Executing) inline script/.test(e);
    expect(logged.filter(isRefusal).length).toBeGreaterThan(0);
    expect(logged.filter((e) => !isRefusal(e))).toEqual([]);
    await page.unroute(listUrl);
    await page.goto(listUrl);
    // Our own scripts do run: a client component answers a click (the sort lives in the URL).
    await page.click('table[data-table=messages] th:has-text("Recipient") button');
    await page.waitForURL(/messages_sort=recipient/);
    for (const path of ['/no-such-page', '/errors/2147483647']) {
      expect((await page.goto(`${base()}${path}`))?.status(), path).toBe(404);
      expect(await page.textContent('h1'), path).toBe('Not found');
    }
    await page.waitForLoadState('networkidle');
    // Chromium logs the 404 status of the document itself; anything else (a refused script or style) is a failure.
    expect(errors.filter((e) => !/(\/no-such-page|\/errors\/2147483647): Failed to load resource: the server responded with a status of 404/.test(e))).toEqual([]);
    await page.close();
  });

  it('keeps filter state in the URL and filters the table', async () => {
    const { page } = await signIn('viewer');
    await page.goto(`${base()}/errors`);
    await page.selectOption('form[aria-label=Filters] select[name=stage]', 'health-check');
    await page.click('form[aria-label=Filters] button[type=submit]');
    await page.waitForURL(/stage=health-check/);
    const stages = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(stages.length).toBeGreaterThan(0);
    expect(new Set(stages)).toEqual(new Set(['health-check']));
    const shared = page.url();
    const again = await browser.newPage();
    await again.context().addCookies(await page.context().cookies());
    await again.goto(shared);
    expect(await again.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual(stages);
    await again.close();
    await page.close();
  });

  it('lets an engineer triage from the list, and the change persists after a reload', async () => {
    const { page } = await signIn('engineer');
    await page.goto(`${base()}/errors`);
    const row = page.locator('tbody tr').first();
    const classId = await row.getAttribute('data-class');
    await row.locator('input[type=checkbox]').check();
    await page.selectOption('form#triage select[name=op]', 'status');
    await page.selectOption('form#triage select[name=status]', 'resolved');
    await page.click('form#triage button[type=submit]');
    await expect.poll(() => page.textContent('[role=status]')).toContain('saved for 1 class');
    await page.reload();
    expect(await page.locator(`tr[data-class="${classId}"] td:nth-child(7) [data-status]`).textContent()).toBe('resolved');
    await page.goto(`${base()}/errors/${classId}`);
    expect(await page.textContent('body')).toContain(`${USERS.engineer} · status:`);
    await page.close();
  });

  it('shows a rule\'s violations with their evidence, and lets an engineer acknowledge one (a viewer cannot)', async () => {
    // The demo always has open violations (stages below their floor, rollouts that needed people).
    const { page } = await signIn('engineer');
    await page.goto(`${base()}/admission`);
    const link = page.locator('section', { hasText: 'Latest violations' }).locator('tbody tr', { has: page.locator('td:nth-child(3)', { hasText: /^open$/ }) }).first().locator('td:first-child a');
    const href = (await link.getAttribute('href'))!;
    const rowId = href.split('#')[1]!;
    await page.goto(`${base()}${href}`);
    const row = page.locator(`tr#${rowId}`);
    expect(await row.locator('dl.evidence dt').count()).toBeGreaterThan(0);
    await row.locator('button', { hasText: /^Acknowledge$/ }).click();
    await expect.poll(() => row.locator('[role=status]').textContent()).toContain('acknowledged');
    await page.reload();
    expect(await page.locator(`tr#${rowId} td:nth-child(2)`).textContent()).toMatch(new RegExp(`^acknowledged\\s*by ${USERS.engineer.replace('.', '\\.')}`));
    const refused = await page.goto(`${base()}/admission?week=not-a-week`);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('li').first().textContent()).toBe('week: "not-a-week" is not an ISO week of the years 2000–2099 (YYYY-Www, e.g. 2026-W47) or "all"');
    await page.click('text=Open /admission with its default values');
    await page.waitForURL(`${base()}/admission`);
    await page.close();

    const { page: viewer } = await signIn('viewer');
    await viewer.goto(`${base()}${href}`);
    expect(await viewer.locator(`tr#${rowId} dl.evidence`).count()).toBe(1);
    expect(await viewer.locator('button', { hasText: /Acknowledge/ }).count()).toBe(0);
    await viewer.close();
  });

  it('answers the pre-flight check on the real server: 401 without a token, a decision with one, listed on /admission', async () => {
    const body = JSON.stringify({ service: 'no-such-service', env: 'online', hosts: ['e2e-host-1'], image: 'e2e:never-built', stages: ['image-pull'] });
    const check = (headers: Record<string, string>) => fetch(`${base()}/api/admission/check`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await check({})).status).toBe(401);
    const db = await openDb(inject('databaseUrl'));
    const token = await createIngestToken(db, 'e2e-pipeline').finally(() => db.close());
    const res = await check({ authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    // The shipped rules enforce image provenance: an image never built is refused.
    expect(await res.json()).toMatchObject({ decision: 'deny', denied: [{ rule: 'image-provenance', reasons: ['image e2e:never-built was never built'] }] });
    const { page } = await signIn('viewer');
    await page.goto(`${base()}/admission`);
    expect(await page.locator('tr', { hasText: 'no-such-service' }).textContent()).toContain('deny');
    await page.close();
  });

  it('gives a viewer no way to triage, and the server refuses a forged triage all the same', async () => {
    const { page } = await signIn('viewer');
    await page.goto(`${base()}/errors`);
    expect(await page.locator('form#triage').count()).toBe(0);
    expect(await page.locator('input[type=checkbox][name=ids]').count()).toBe(0);
    const csv = await page.request.get(`${base()}/api/errors/export`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toMatch(/^rank,id,class,/);
    expect((await fetch(`${base()}/api/errors/export`)).status).toBe(401);

    // Take the triage form's server-action fields from an engineer's page and post them as the viewer.
    const { page: engineer } = await signIn('engineer');
    await engineer.goto(`${base()}/errors`);
    const hidden = await engineer.$$eval('form#triage input[type=hidden]', (inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]));
    const classId = await engineer.locator('tbody tr').nth(1).getAttribute('data-class');
    await engineer.close();
    const db = await openDb(inject('databaseUrl'));
    try {
      const before = (await db.prisma.errorClass.findUniqueOrThrow({ where: { id: Number(classId) } })).status;
      const forged = await page.request.post(`${base()}/errors`, { multipart: { ...Object.fromEntries(hidden), ids: classId!, op: 'status', status: 'ignored' } });
      expect(await forged.text()).toContain('this needs the engineer role; you are a viewer');
      expect((await db.prisma.errorClass.findUniqueOrThrow({ where: { id: Number(classId) } })).status).toBe(before);
      expect(before).not.toBe('ignored');
    } finally {
      await db.close();
    }
    await page.close();
  });

  it('keeps settings for admins: others are turned away, an admin creates and revokes an ingest token', async () => {
    const { page: engineer } = await signIn('engineer');
    await engineer.goto(`${base()}/settings`);
    expect(engineer.url()).toBe(`${base()}/forbidden?need=admin`);
    expect(await engineer.textContent('h1')).toBe('Not allowed');
    await engineer.close();
    const { page } = await signIn('admin');
    await page.goto(`${base()}/settings`);
    await page.fill('form[aria-label="New ingest token"] input[name=name]', 'e2e-pipeline');
    await page.click('form[aria-label="New ingest token"] button[type=submit]');
    await expect.poll(() => page.textContent('[role=status]')).toMatch(/rs_[\w-]+/);
    const token = /(rs_[\w-]+)/.exec((await page.textContent('[role=status]'))!)![1]!;
    const ingest = await fetch(`${base()}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '' });
    expect(ingest.status).toBe(200);
    await page.reload();
    await page.click('tr:has-text("e2e-pipeline") button:has-text("Revoke")');
    await expect.poll(async () => (await page.reload(), page.textContent('tr:has-text("e2e-pipeline")'))).toContain('revoked');
    expect((await fetch(`${base()}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '' })).status).toBe(401);

    // The token form's server-action fields, posted by an engineer: refused on the server.
    const hidden = await page.$$eval('form[aria-label="New ingest token"] input[type=hidden]', (inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]));
    const { page: forger } = await signIn('engineer');
    const forged = await forger.request.post(`${base()}/settings`, { multipart: { ...Object.fromEntries(hidden), name: 'forged-token' } });
    expect(forged.status()).not.toBe(500);
    // The same post by the admin does create a token: the forged request did reach the action.
    await page.request.post(`${base()}/settings`, { multipart: { ...Object.fromEntries(hidden), name: 'control-token' } });
    const db = await openDb(inject('databaseUrl'));
    try {
      expect(await db.prisma.ingestToken.count({ where: { name: 'forged-token' } })).toBe(0);
      expect(await db.prisma.ingestToken.count({ where: { name: 'control-token' } })).toBe(1);
    } finally {
      await db.close();
    }
    // Revoking is admin-only too: the revoke form posted by the engineer leaves the token active.
    await page.reload();
    const revokeFields = await page.$$eval('tr:has-text("control-token") form input', (inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]));
    await forger.request.post(`${base()}/settings`, { multipart: Object.fromEntries(revokeFields) });
    const check = await openDb(inject('databaseUrl'));
    try {
      expect((await check.prisma.ingestToken.findFirstOrThrow({ where: { name: 'control-token' } })).revokedAt).toBeNull();
    } finally {
      await check.close();
    }
    await page.request.post(`${base()}/settings`, { multipart: Object.fromEntries(revokeFields) });
    const after = await openDb(inject('databaseUrl'));
    try {
      expect((await after.prisma.ingestToken.findFirstOrThrow({ where: { name: 'control-token' } })).revokedAt).not.toBeNull();
    } finally {
      await after.close();
    }
    await forger.close();
    await page.close();
  });

  it('sorts a table by a column, keeps the sort in the URL, and exports it as CSV', async () => {
    const { page } = await signIn('viewer');
    await page.goto(`${base()}/stages`);
    await page.click('table[data-table=stages] th:has-text("Failures") button');
    await page.waitForURL(/stages_sort=failures&stages_dir=asc/);
    await page.click('table[data-table=stages] th:has-text("Failures") button');
    await page.waitForURL(/stages_dir=desc/);
    const failures = (await page.locator('table[data-table=stages] tbody tr td:nth-child(4)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
    expect(failures).toEqual([...failures].sort((a, b) => b - a));
    await page.reload();
    expect((await page.locator('table[data-table=stages] tbody tr td:nth-child(4)').allTextContents()).map((t) => Number(t.replace(/,/g, '')))).toEqual(failures);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
    const csv = await download.path().then((p) => import('node:fs').then((fs) => fs.readFileSync(p!, 'utf8')));
    expect(csv.split('\r\n')[0]).toBe('#,Stage,Attempts,Failures,Success rate,vs previous period,First-pass success,Product of stage rates so far');
    expect(csv.split('\r\n')).toHaveLength(17 + 2);
    await page.close();
  });
});
