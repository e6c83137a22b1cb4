import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassRule, deleteClassRule, moveClassRule, type RuleChangeDeps } from '../../../lib/classify/class-rule-store';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { getClassDetail } from '../../../lib/triage/class-detail';
import { classFiltersSchema, listErrorClasses } from '../../../lib/triage/list-classes';
import { listRuleRows, ruleDraftFromClass } from '../../../lib/triage/rule-views';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

// The triage side of class rules: why each event is in its class, the rule decisions in words,
// the rules list, "Split this class", and whether a week's ranking is as reported.
let t: TestDb;
const NOW = new Date('2026-11-21T12:00:00Z');
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };
const deps = (): RuleChangeDeps => ({ db: t.db, actor: 'eng@example.com', categories: loadCategoryConfig(null), routing: parseRoutingConfig({ rules: [] }, 'test'), timeZone: 'UTC', now: NOW });
const squash = (s: string) => s.replace(/\s+/g, '');

const HEALTH = (path: string, code: number, n: number) => `health check GET ${path} returned ${code} after ${n} attempts`;
const MESSAGES = [HEALTH('/healthz', 503, 3), HEALTH('/ready', 502, 5), HEALTH('/live', 500, 2), HEALTH('/healthz', 504, 7)];
const classOfMessage = async (message: string) => (await t.db.prisma.errorEvent.findFirstOrThrow({ where: { message } })).errorClassId!;

beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, [
    ...MESSAGES.map((message, i) => ({ rollout: `h${i}`, stage: 'health-check', at: `2026-11-1${i + 6}T09:00:00Z`, message, service: i % 2 ? 'user-svc' : 'feed-api' })),
    { rollout: 'w1', stage: 'health-check', at: '2026-11-10T09:00:00Z', message: HEALTH('/old', 503, 1), service: 'feed-api' },
  ]);
  await classifyAndRank({ db: t.db, settings, week: '2026-W46', now: new Date('2026-11-14T17:00:00Z'), freeze: true });
  await classifyAndRank({ db: t.db, settings, week: '2026-W47', now: NOW });
});
afterAll(async () => t?.close());

describe(`why an event is in its class (${EXPECTED_KIND})`, () => {
  it('shows the class template with each event\'s own values in its slots, the rest of the message as the template has it', async () => {
    const classId = await classOfMessage(MESSAGES[0]!);
    const detail = (await getClassDetail(t.db, classId, NOW))!;
    expect(detail.samples.length).toBeGreaterThan(0);
    for (const s of detail.samples) {
      if (s.why.kind !== 'template') throw new Error(`event ${s.id} is not explained by its template`);
      // Literal text and values together give the message back: every value sits in a slot.
      expect(squash(s.why.segments.map((x) => x.text).join(''))).toBe(squash(s.message));
      expect(s.why.segments.filter((x) => x.param).map((x) => x.text).join(' ')).not.toBe('');
    }
    const first = detail.samples.find((s) => s.message === MESSAGES[3])!;
    expect(first.why.kind === 'template' && first.why.segments.filter((x) => x.param).map((x) => x.text)).toEqual(expect.arrayContaining(['504', '7']));
  });

  it('names the rule for an event a rule put in its class, and the rule decisions in words', async () => {
    const { rule, change } = await createClassRule(deps(), { name: 'Healthz failures', match: { kind: 'template', pattern: 'health check GET /healthz returned <*>' }, trackerUrl: 'https://tracker.example.com/OPS-7' });
    expect(change.moved).toBeGreaterThanOrEqual(2);
    await moveClassRule(deps(), rule.id, 0);
    const detail = (await getClassDetail(t.db, rule.classId, NOW))!;
    expect(detail.samples.map((s) => s.message).sort()).toEqual([MESSAGES[0], MESSAGES[3]].sort());
    expect(detail.samples.map((s) => s.why)).toEqual([{ kind: 'rule', ruleId: rule.id, name: 'Healthz failures' }, { kind: 'rule', ruleId: rule.id, name: 'Healthz failures' }]);
    expect(detail.rule).toMatchObject({ id: rule.id, position: 0, trackerUrl: 'https://tracker.example.com/OPS-7', match: { kind: 'template', pattern: 'health check GET /healthz returned <*>' } });
    expect(detail.history.map((h) => h.text)).toEqual([
      `rule ${rule.id} moved to position 1`,
      `rule ${rule.id} created as “Healthz failures”: message matches the template “health check GET /healthz returned <*>”`,
    ]);
  });

  it('lists the rules with their classes\' category and owner, and starts a split from a class\'s template and stage', async () => {
    const [row] = await listRuleRows(t.db);
    expect(row).toMatchObject({ name: 'Healthz failures', position: 0, events: 2, category: null, classCategory: expect.any(String), ownerName: 'SRE' });
    const minerClass = await classOfMessage(MESSAGES[1]!);
    const draft = (await ruleDraftFromClass(t.db, minerClass))!;
    expect(draft).toMatchObject({ id: null, name: '', match: { kind: 'template', stage: 'health-check' }, fromClass: { id: minerClass } });
    expect(draft.match.pattern).toBe((await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: minerClass } })).template);
    // Splitting a rule's class starts from its rule.
    expect((await ruleDraftFromClass(t.db, row!.classId))!.match).toMatchObject({ pattern: 'health check GET /healthz returned <*>' });
    expect(await ruleDraftFromClass(t.db, 2_147_483_647)).toBeNull();
  });

  it('says a deleted rule\'s events went back, and explains them by their template again', async () => {
    const [row] = await listRuleRows(t.db);
    await deleteClassRule(deps(), row!.id);
    const retired = (await getClassDetail(t.db, row!.classId, NOW))!;
    expect(retired).toMatchObject({ status: 'retired', rule: null, samples: [] });
    expect(retired.history[0]!.text).toBe(`rule ${row!.id} deleted: its events went back to the miner's classes`);
    const back = (await getClassDetail(t.db, await classOfMessage(MESSAGES[0]!), NOW))!;
    expect(back.samples.every((s) => s.why.kind === 'template')).toBe(true);
  });
});

describe(`a week's ranking as reported (${EXPECTED_KIND})`, () => {
  const list = (query: Record<string, string>) => listErrorClasses(t.db, classFiltersSchema.parse(query));

  it('says when a sent week was reported, and when a week not sent was computed', async () => {
    const sent = await list({ week: '2026-W46' });
    expect(sent.frozenAt).toEqual(new Date('2026-11-14T17:00:00Z'));
    const open = await list({ week: '2026-W47' });
    expect(open.frozenAt).toBeNull();
    // Rule changes above recomputed W47, never W46.
    expect(open.computedAt!.getTime()).toBeGreaterThanOrEqual(NOW.getTime());
    expect(sent.computedAt).toEqual(new Date('2026-11-14T17:00:00Z'));
    expect(await list({ from: '2026-11-01', to: '2026-11-30' })).toMatchObject({ computedAt: null, frozenAt: null });
  });
});
