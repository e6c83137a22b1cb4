import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../lib/auth/sessions';
import { createClassRule, deleteClassRule } from '../../lib/classify/class-rule-store';
import { loadCategoryConfig, loadRoutingConfig } from '../../lib/classify/rules';
import { openDb } from '../../lib/db';
import { USERS } from './setup';

/**
 * The server actions' forms, posted as a browser without JavaScript would: over-long and
 * out-of-range fields are refused with a message naming the field, before anything is changed,
 * and no junk gets a 5xx or a slow answer.
 */
const base = () => inject('baseUrl');
const LIMIT_MS = 2000;

const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hidden fields (Next's action id and bound state) of the form the selector's HTML opens. */
async function actionFields(path: string, cookie: string, formStart: RegExp): Promise<[string, string][]> {
  const html = await (await fetch(`${base()}${path}`, { headers: { cookie } })).text();
  const start = html.search(formStart);
  expect(start, `${path}: form not found`).toBeGreaterThanOrEqual(0);
  const form = html.slice(start, html.indexOf('</form>', start));
  return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)].filter((m) => m[1]!.startsWith('$ACTION')).map((m) => [m[1]!, unescape(m[2] ?? '')]);
}

async function post(path: string, cookie: string, fields: [string, string][]): Promise<{ status: number; text: string; ms: number }> {
  const body = new FormData();
  for (const [k, v] of fields) body.append(k, v);
  const started = performance.now();
  const res = await fetch(`${base()}${path}`, { method: 'POST', headers: { cookie }, body, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  return { status: res.status, text: await res.text(), ms: performance.now() - started };
}

async function sessionOf(role: keyof typeof USERS): Promise<string> {
  const db = await openDb(inject('databaseUrl'));
  try {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: USERS[role] } });
    return `${SESSION_COOKIE}=${(await createSession(db, user.id)).token}`;
  } finally {
    await db.close();
  }
}

async function decisionCount(): Promise<number> {
  const db = await openDb(inject('databaseUrl'));
  return db.prisma.classDecision.count().finally(() => db.close());
}

describe('server actions at their limits', () => {
  let engineer = '';
  let admin = '';
  beforeAll(async () => {
    [engineer, admin] = await Promise.all([sessionOf('engineer'), sessionOf('admin')]);
  });

  it('refuses over-long and out-of-range triage fields, naming them, and changes nothing', async () => {
    const triage = await actionFields('/errors', engineer, /<form id="triage"/);
    const before = await decisionCount();
    const cases: [[string, string][], string][] = [
      [[...Array.from({ length: 201 }, (_, i): [string, string] => ['ids', String(i + 1)]), ['op', 'status'], ['status', 'resolved']], 'ids: select at most 200 classes'],
      [[['ids', '99999999999999999999'], ['op', 'status'], ['status', 'resolved']], 'ids.0: &quot;99999999999999999999&quot; is not a whole number from 1 to 2147483647'],
      [[['ids', '1'], ['op', 'note'], ['note', 'x'.repeat(4001)]], 'note: is longer than 4000 characters'],
      [[['ids', '1'], ['op', 'owner'], ['owner', 'x'.repeat(101)]], 'owner: is longer than 100 characters'],
      [[['ids', '1'], ['op', 'merge'], ['target', '-1']], 'target: &quot;-1&quot; is not a whole number'],
    ];
    for (const [fields, message] of cases) {
      const answer = await post('/errors', engineer, [...triage, ...fields]);
      expect(answer.status, message).toBeLessThan(500);
      expect(answer.text, message).toContain(message);
    }
    expect(await decisionCount()).toBe(before);
  });

  it('refuses an acknowledgement of an id out of range and a token name over 200 characters', async () => {
    // A rule with an open violation has an acknowledge form (the demo always has some).
    const overview = await (await fetch(`${base()}/admission`, { headers: { cookie: engineer } })).text();
    const rules = [...new Set([...overview.matchAll(/href="(\/admission\/[a-z0-9-]+)#v\d+"/g)].map((m) => m[1]!))];
    const ackForm = /<form action="" encType="multipart\/form-data" method="POST"><input type="hidden" name="\$ACTION_REF/;
    let rule: string | undefined;
    for (const r of rules) if (!rule && ackForm.test(await (await fetch(`${base()}${r}`, { headers: { cookie: engineer } })).text())) rule = r;
    expect(rule, rules.join(', ')).toBeDefined();
    const acknowledge = await actionFields(rule!, engineer, ackForm);
    const ack = await post(rule!, engineer, [...acknowledge, ['id', '1e20'], ['acknowledged', 'true']]);
    expect(ack.text).toContain('id: &quot;1e20&quot; is not a whole number from 1 to 2147483647');
    const create = await actionFields('/settings', admin, /<form[^>]*aria-label="New ingest token"/);
    const token = await post('/settings', admin, [...create, ['name', 'x'.repeat(201)]]);
    expect(token.text).toContain('name: is longer than 200 characters');
  });

  it('answers junk triage forms without a 5xx, each within 2 s', async () => {
    const triage = await actionFields('/errors', engineer, /<form id="triage"/);
    const before = await decisionCount();
    const junk = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('auto', '', '0', '-1', '1e20', 'NaN'),
      fc.integer({ min: 5000, max: 20_000 }).map((n) => 'y'.repeat(n)));
    const form = fc.record({
      op: fc.oneof(fc.constantFrom('status', 'owner', 'category', 'merge', 'note', 'rename'), junk),
      fields: fc.array(fc.tuple(fc.constantFrom('status', 'owner', 'assignee', 'category', 'target', 'note', 'name', 'op', 'ids'), junk), { maxLength: 6 }),
      ids: fc.array(fc.oneof(fc.integer({ min: 1, max: 50 }).map(String), junk), { maxLength: 5 }),
    });
    // Every form carries the id 0, which no schema accepts: junk must never change data here.
    const samples = fc.sample(form, { numRuns: 60, seed: 20261120 });
    const slow: string[] = [];
    for (const { op, fields, ids } of samples) {
      const answer = await post('/errors', engineer, [...triage, ['op', op], ['ids', '0'], ...ids.map((id): [string, string] => ['ids', id]), ...fields]);
      if (answer.status >= 500 || answer.ms > LIMIT_MS) slow.push(`${answer.status} in ${Math.round(answer.ms)} ms: op=${op.slice(0, 40)}`);
    }
    expect(slow).toEqual([]);
    expect(await decisionCount()).toBe(before);
  });

  it('answers junk class-rule forms without a 5xx, each within 2 s, and changes no rule', async () => {
    const db = await openDb(inject('databaseUrl'));
    const deps = { db, actor: 'e2e', categories: loadCategoryConfig(null), routing: loadRoutingConfig(null), timeZone: 'UTC' };
    const { rule } = await createClassRule(deps, { name: 'Junk target', match: { kind: 'template', pattern: 'junk target <*>' } });
    try {
      const save = await actionFields('/errors/rules/new', engineer, /<form[^>]*aria-label="Class rule"/);
      const change = await actionFields('/errors/rules', engineer, /<form[^>]*aria-label="Delete Junk target"/);
      const before = { rules: await db.prisma.classRule.findMany(), decisions: await decisionCount() };
      const junk = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('', '0', '-1', '1e20', 'NaN', 'regex', 'template', '(a)\\1', '<*>', String(rule.id)),
        fc.integer({ min: 3000, max: 20_000 }).map((n) => 'y'.repeat(n)));
      const fields = (names: string[]) => fc.array(fc.tuple(fc.constantFrom(...names), junk), { maxLength: 8 });
      const ruleFields = ['name', 'kind', 'pattern', 'stage', 'errorCode', 'service', 'attrName', 'attrGlob', 'category', 'ownerId', 'assigneeId', 'trackerUrl', 'position', 'weeks', 'id'];
      const slow: string[] = [];
      // Every save form carries weeks=0 and every change form id=0, which the schemas refuse: junk never changes a rule.
      for (const extra of fc.sample(fields(ruleFields), { numRuns: 40, seed: 20261201 })) {
        const answer = await post('/errors/rules/new', engineer, [...save, ['weeks', '0'], ...extra]);
        if (answer.status >= 500 || answer.ms > LIMIT_MS) slow.push(`save ${answer.status} in ${Math.round(answer.ms)} ms`);
      }
      for (const extra of fc.sample(fields(['op', 'id', 'position']), { numRuns: 40, seed: 20261202 })) {
        const answer = await post('/errors/rules', engineer, [...change, ['id', '0'], ...extra]);
        if (answer.status >= 500 || answer.ms > LIMIT_MS) slow.push(`change ${answer.status} in ${Math.round(answer.ms)} ms`);
      }
      expect(slow).toEqual([]);
      const refused = await post('/errors/rules/new', engineer, [...save, ['name', 'x'], ['pattern', 'x <*>'], ['weeks', '53']]);
      expect(refused.text).toContain('&quot;53&quot; is not a whole number from 1 to 52');
      expect({ rules: await db.prisma.classRule.findMany(), decisions: await decisionCount() }).toEqual(before);
    } finally {
      await deleteClassRule(deps, rule.id);
      await db.close();
    }
  });
});
