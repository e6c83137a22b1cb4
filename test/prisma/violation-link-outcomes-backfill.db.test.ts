import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../lib/db';
import { addDays, toDbTimestamp } from '../../lib/time/day';
import { EXPECTED_KIND } from '../helpers/db';
import { databaseBefore, insertLiterals, type Literal } from '../helpers/migration-backfill';

// The migration violation_link_outcomes gives each stored admission violation link the rule of its
// violation and the day and outcome of its rollout: a database migrated up to the migration before
// it, holding violations of several rules linked to rollouts of several days and outcomes (a rollout
// linked by several violations among them), is migrated on, and every link carries its facts.

const MIGRATION = '20261202022356_violation_link_outcomes';

const OUTCOMES = ['succeeded', 'failed', 'in_progress'];
const rolloutArb = fc.record({ day: fc.nat(19), outcome: fc.constantFrom(...OUTCOMES) });
const violationArb = fc.record({ rule: fc.nat(2), rollouts: fc.uniqueArray(fc.nat(199), { minLength: 1, maxLength: 6 }) });

/** Stores rollouts and violations with their links; returns what each link must carry. */
async function store(db: Db): Promise<Map<string, { ruleId: string; day: string; outcome: string }>> {
  const at = toDbTimestamp(Date.parse('2026-03-01T10:00:00Z'));
  await insertLiterals(db, 'Owner', ['id', 'name', 'kind', 'email'], [['sre', 'sre', 'team', 'sre@example.com']]);
  await insertLiterals(db, 'Service', ['name'], [['feed-api']]);
  const rules = ['rule-0', 'rule-1', 'rule-2'];
  await insertLiterals(db, 'AdmissionRule', ['id', 'title', 'kind', 'severity', 'mode', 'scope', 'ownerId'], rules.map((id) => [id, id, 'mixed-host', 'info', 'audit', 'host', 'sre']));
  const rollouts = fc.sample(rolloutArb, { numRuns: 200, seed: 2022 });
  await insertLiterals(db, 'Rollout', ['id', 'service', 'env', 'startedAt', 'day', 'outcome'],
    rollouts.map((r, i) => [`r${i}`, 'feed-api', 'online', at, addDays('2026-03-01', r.day), r.outcome]));
  const violations = fc.sample(violationArb, { numRuns: 120, seed: 2023 });
  await insertLiterals(db, 'AdmissionViolation', ['id', 'ruleId', 'subjectType', 'subjectId', 'firstSeen', 'lastSeen'],
    violations.map((v, i) => [i + 1, rules[v.rule]!, 'host', `h${i}`, at, at]));
  const expected = new Map<string, { ruleId: string; day: string; outcome: string }>();
  const links: Literal[][] = [];
  violations.forEach((v, i) => v.rollouts.forEach((n) => {
    links.push([i + 1, `r${n}`]);
    expected.set(`${i + 1}/r${n}`, { ruleId: rules[v.rule]!, day: addDays('2026-03-01', rollouts[n]!.day), outcome: rollouts[n]!.outcome });
  }));
  await insertLiterals(db, 'AdmissionViolationRollout', ['violationId', 'rolloutId'], links);
  return expected;
}

describe(`the migration ${MIGRATION} (${EXPECTED_KIND})`, () => {
  it('gives every stored link the rule of its violation and the day and outcome of its rollout', async () => {
    const { url, migrateOn, cleanup } = await databaseBefore(MIGRATION);
    let db = await openDb(url);
    const expected = await store(db);
    await db.close();
    expect(await migrateOn()).toContain(MIGRATION);
    db = await openDb(url);
    try {
      const links = await db.prisma.admissionViolationRollout.findMany();
      expect(links.length).toBe(expected.size);
      expect(new Set(links.map((l) => l.rolloutId)).size).toBeLessThan(links.length);
      for (const l of links) expect({ ruleId: l.ruleId, day: l.day, outcome: l.outcome }, `${l.violationId}/${l.rolloutId}`).toEqual(expected.get(`${l.violationId}/${l.rolloutId}`));
    } finally {
      await db.close();
      await cleanup();
    }
  }, 120_000);
});
