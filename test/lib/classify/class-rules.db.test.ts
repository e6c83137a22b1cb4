import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassRule, deleteClassRule, exportClassRules, importClassRules, listClassRules, moveClassRule, updateClassRule, type RuleChangeDeps } from '../../../lib/classify/class-rule-store';
import { previewClassRule } from '../../../lib/classify/rule-preview';
import { runClassification } from '../../../lib/classify/run-classification';
import { loadCategoryConfig, parseRoutingConfig } from '../../../lib/classify/rules';
import { classifyAndRank } from '../../../lib/rank/classify-and-rank';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { ingestRuns, type RunSpec } from '../../helpers/ingest';

// Class rules: people define classes; the first matching rule wins over the miner; every change
// re-classifies the history, and a preview shows what a rule would take before it is saved.
let t: TestDb;
const categories = loadCategoryConfig(null);
const routing = parseRoutingConfig({ rules: [] }, 'test');
const deps = (): RuleChangeDeps => ({ db: t.db, actor: 'eng@example.com', categories, routing, timeZone: 'UTC', now: new Date('2026-11-21T12:00:00Z') });
const settings = { timeZone: 'UTC', categoriesFile: null, routingFile: null };
const classify = () => runClassification({ db: t.db, categories, routing, refresh: 'touched' });
const classOf = async (message: string) => (await t.db.prisma.errorEvent.findFirstOrThrow({ where: { message }, include: { errorClass: true } })).errorClass!;
const rule = (name: string, pattern: string, extra: object = {}) => ({ name, match: { kind: 'template', pattern, ...extra } });

const PULL_A = 'pull registry.example.com/feed:1: i/o timeout after 30s';
const PULL_B = 'pull registry.example.com/user:7: i/o timeout after 12s';
const PULL_MIRROR = 'pull mirror.example.net/feed:1: i/o timeout after 9s';
const OOM = 'container killed: out of memory (limit 512Mi)';

beforeAll(async () => {
  t = await createTestDb();
  const runs: RunSpec[] = [
    { rollout: 'r1', stage: 'image-pull', at: '2026-11-16T10:00:00Z', message: PULL_A, service: 'feed-api' },
    { rollout: 'r2', stage: 'image-pull', at: '2026-11-17T10:00:00Z', message: PULL_B, service: 'user-svc' },
    { rollout: 'r3', stage: 'image-pull', at: '2026-11-18T10:00:00Z', message: PULL_MIRROR, service: 'feed-api' },
    { rollout: 'r4', stage: 'container-start', at: '2026-11-18T11:00:00Z', message: OOM, service: 'feed-api' },
  ];
  await ingestRuns(t.db, runs);
  await classify();
  // Two rankings: W46 as sent in its digest (frozen), W47 not sent yet.
  await classifyAndRank({ db: t.db, settings, week: '2026-W46', now: new Date('2026-11-14T12:00:00Z'), freeze: true });
  await classifyAndRank({ db: t.db, settings, week: '2026-W47', now: new Date('2026-11-21T12:00:00Z') });
});
afterAll(async () => t?.close());

describe(`class rules (${EXPECTED_KIND})`, () => {
  it('previews what a rule would take: events, failed rollouts, the classes they leave, examples', async () => {
    const minerClass = (await classOf(PULL_MIRROR)).id;
    const preview = await previewClassRule(t.db, rule('Mirror timeouts', 'pull mirror.example.net/<*>'), { weeks: 4, timeZone: 'UTC', now: new Date('2026-11-21T12:00:00Z') });
    expect(preview).toMatchObject({ events: 1, failedRollouts: 1, fromClasses: [{ classId: minerClass, events: 1 }], examples: [{ message: PULL_MIRROR, stageKey: 'image-pull' }] });
  });

  it('splits a class: the rule takes the history it matches, and the class it left is updated', async () => {
    const minerClass = await classOf(PULL_MIRROR);
    const { rule: made, change } = await createClassRule(deps(), { ...rule('Mirror timeouts', 'pull mirror.example.net/<*>'), category: 'network', ownerId: 'registry' });
    expect(change).toMatchObject({ moved: 1, weeks: ['2026-W47'] });
    const mirror = await classOf(PULL_MIRROR);
    expect(mirror).toMatchObject({ id: made.classId, name: 'Mirror timeouts', category: 'network', ownerId: 'registry', eventCount: 1 });
    expect(await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: minerClass.id } })).toMatchObject({ eventCount: minerClass.eventCount - 1 });
    expect(await t.db.prisma.errorEvent.findFirstOrThrow({ where: { message: PULL_MIRROR } })).toMatchObject({ ruleId: made.id, minerClassId: minerClass.id });
    expect(await t.db.prisma.classDecision.findMany({ where: { classId: made.classId }, select: { kind: true, actor: true } })).toEqual([{ kind: 'rule', actor: 'eng@example.com' }]);
  });

  it('keeps a ranking that was sent as it was reported, and computes the others again', async () => {
    const w46 = await t.db.prisma.rankingSnapshot.findUniqueOrThrow({ where: { week: '2026-W46' }, include: { entries: true } });
    const w47 = await t.db.prisma.rankingSnapshot.findUniqueOrThrow({ where: { week: '2026-W47' }, include: { entries: true } });
    expect(w46.frozenAt).not.toBeNull();
    expect(w47.entries.map((e) => e.classId)).toContain((await classOf(PULL_MIRROR)).id);
    // A classify run of the frozen week answers with the ranking as sent.
    expect((await classifyAndRank({ db: t.db, settings, week: '2026-W46' })).frozen).toEqual(w46.frozenAt);
  });

  it('lets the first matching rule win, and re-classifies when the order changes', async () => {
    const { rule: wide } = await createClassRule(deps(), rule('All pull timeouts', 'pull <*>: i/o timeout after <*>'));
    // Added last: the mirror rule, before it, keeps its event.
    expect((await classOf(PULL_MIRROR)).name).toBe('Mirror timeouts');
    expect((await classOf(PULL_B)).name).toBe('All pull timeouts');
    await moveClassRule(deps(), wide.id, 0);
    expect((await classOf(PULL_MIRROR)).name).toBe('All pull timeouts');
    expect((await listClassRules(t.db)).map((r) => [r.name, r.position, r.events])).toEqual([['All pull timeouts', 0, 3], ['Mirror timeouts', 1, 0]]);
    await moveClassRule(deps(), wide.id, 1);
    expect((await classOf(PULL_MIRROR)).name).toBe('Mirror timeouts');
  });

  it('narrows a rule by stage, service, error code and attributes, and classifies new events by the rules at once', async () => {
    const [wide] = (await listClassRules(t.db)).filter((r) => r.name === 'All pull timeouts');
    await updateClassRule(deps(), wide!.id, rule('All pull timeouts', 'pull <*>: i/o timeout after <*>', { service: 'user-*' }));
    expect(await t.db.prisma.errorEvent.findFirstOrThrow({ where: { message: PULL_A } })).toMatchObject({ ruleId: null });
    expect((await classOf(PULL_B)).name).toBe('All pull timeouts');
    await ingestRuns(t.db, [{ rollout: 'r5', stage: 'image-pull', at: '2026-11-19T10:00:00Z', message: 'pull registry.example.com/user:9: i/o timeout after 1s', service: 'user-web' }]);
    expect(await classify()).toMatchObject({ events: 1 });
    expect((await classOf('pull registry.example.com/user:9: i/o timeout after 1s')).name).toBe('All pull timeouts');
  });

  it('hands the events of a deleted rule back to the miner\'s classes, and retires its class', async () => {
    const mirror = (await listClassRules(t.db)).find((r) => r.name === 'Mirror timeouts')!;
    await deleteClassRule(deps(), mirror.id);
    const back = await t.db.prisma.errorEvent.findFirstOrThrow({ where: { message: PULL_MIRROR } });
    expect(back).toMatchObject({ ruleId: null, errorClassId: back.minerClassId });
    expect(await t.db.prisma.errorClass.findUniqueOrThrow({ where: { id: mirror.classId } })).toMatchObject({ status: 'retired', eventCount: 0 });
  });

  it('exports the rules and imports them again, keeping classes of rules whose names match', async () => {
    const file = await exportClassRules(t.db);
    expect(file).toMatchObject({ version: 1, rules: [{ name: 'All pull timeouts', match: { kind: 'template', service: 'user-*' } }] });
    const before = (await listClassRules(t.db))[0]!;
    const result = await importClassRules(deps(), { version: 1, rules: [{ ...file.rules[0], match: { ...file.rules[0]!.match, service: null } }, rule('OOM kills', 'container killed: out of memory<*>')] }, 'rules.json');
    expect(result).toMatchObject({ created: 1, updated: 1, deleted: 0 });
    const after = await listClassRules(t.db);
    expect(after.map((r) => [r.name, r.classId === before.classId])).toEqual([['All pull timeouts', true], ['OOM kills', false]]);
    expect((await classOf(OOM)).name).toBe('OOM kills');
  });

  it('refuses a bad rules file, naming the file, the rule and the field, and changes nothing', async () => {
    const before = await exportClassRules(t.db);
    await expect(importClassRules(deps(), { version: 1, rules: [rule('Bad', '(a)\\1', { kind: 'regex' })] }, 'rules.json')).rejects.toThrow(/^rules\.json: rules\.0\.match\.pattern \("Bad"\): is not a regular expression RE2 accepts/);
    await expect(importClassRules(deps(), { version: 1, rules: [{ ...rule('Owned', 'x <*>'), ownerId: 'nobody' }] }, 'rules.json')).rejects.toThrow(/rules\.json: rules\.0 \("Owned"\)\.ownerId: "nobody" is not a team/);
    await expect(importClassRules(deps(), { version: 2, rules: [] }, 'rules.json')).rejects.toThrow(/rules\.json: version/);
    // Every reference error of the file at once, each with its rule and field.
    const both = importClassRules(deps(), { version: 1, rules: [{ ...rule('A', 'a <*>'), category: 'nonsense' }, { ...rule('B', 'b <*>'), assigneeId: 'release' }] }, 'rules.json');
    await expect(both).rejects.toMatchObject({
      message: expect.stringMatching(/rules\.0 \("A"\)\.category: "nonsense" is not a category[\s\S]*rules\.1 \("B"\)\.assigneeId: "release" is not a person/),
      details: [{ field: 'rules.0 ("A").category' }, { field: 'rules.1 ("B").assigneeId' }, { field: 'rules.1 ("B").assigneeId' }],
    });
    expect(await exportClassRules(t.db)).toEqual(before);
  });
});
