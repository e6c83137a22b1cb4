import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../lib/db';
import { execute } from '../../lib/sql';
import { addDays, toDbTimestamp } from '../../lib/time/day';
import { applyMigrations, readMigrations, writeMigration } from '../../prisma/tools/migrations';
import { freshPgDatabase } from '../helpers/pg-database';
import { EXPECTED_KIND, TEST_PG_URL } from '../helpers/db';

// The migration violation_link_outcomes gives each stored admission violation link the rule of its
// violation and the day and outcome of its rollout: a database migrated up to the migration before
// it, holding violations of several rules linked to rollouts of several days and outcomes (a rollout
// linked by several violations among them), is migrated on, and every link carries its facts.

const MIGRATION = '20261202022356_violation_link_outcomes';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rollscope-link-outcomes-'));
let drop: () => Promise<void> = async () => undefined;
afterAll(async () => {
  await drop();
  rmSync(scratch, { recursive: true, force: true });
});

function target(): string {
  if (!TEST_PG_URL) return `file:${path.join(scratch, 'backfill.db')}`;
  const fresh = freshPgDatabase(TEST_PG_URL, `rollscope_link_outcomes_${process.pid}_${randomBytes(4).toString('hex')}`);
  drop = fresh.drop;
  return fresh.url;
}

type Value = string | number | null;
const lit = (v: Value) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));

async function insertAll(db: Db, table: string, columns: string[], rows: Value[][]): Promise<void> {
  const q = await db.bulk();
  for (let i = 0; i < rows.length; i += 400) {
    const values = rows.slice(i, i + 400).map((r) => `(${r.map(lit).join(',')})`).join(',');
    await execute(q, `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${values}`);
  }
}

const OUTCOMES = ['succeeded', 'failed', 'in_progress'];
const rolloutArb = fc.record({ day: fc.nat(19), outcome: fc.constantFrom(...OUTCOMES) });
const violationArb = fc.record({ rule: fc.nat(2), rollouts: fc.uniqueArray(fc.nat(199), { minLength: 1, maxLength: 6 }) });

/** Stores rollouts and violations with their links; returns what each link must carry. */
async function store(db: Db): Promise<Map<string, { ruleId: string; day: string; outcome: string }>> {
  const at = toDbTimestamp(Date.parse('2026-03-01T10:00:00Z'));
  await insertAll(db, 'Owner', ['id', 'name', 'kind', 'email'], [['sre', 'sre', 'team', 'sre@example.com']]);
  await insertAll(db, 'Service', ['name'], [['feed-api']]);
  const rules = ['rule-0', 'rule-1', 'rule-2'];
  await insertAll(db, 'AdmissionRule', ['id', 'title', 'kind', 'severity', 'mode', 'scope', 'ownerId'], rules.map((id) => [id, id, 'mixed-host', 'info', 'audit', 'host', 'sre']));
  const rollouts = fc.sample(rolloutArb, { numRuns: 200, seed: 2022 });
  await insertAll(db, 'Rollout', ['id', 'service', 'env', 'startedAt', 'day', 'outcome'],
    rollouts.map((r, i) => [`r${i}`, 'feed-api', 'online', at, addDays('2026-03-01', r.day), r.outcome]));
  const violations = fc.sample(violationArb, { numRuns: 120, seed: 2023 });
  await insertAll(db, 'AdmissionViolation', ['id', 'ruleId', 'subjectType', 'subjectId', 'firstSeen', 'lastSeen'],
    violations.map((v, i) => [i + 1, rules[v.rule]!, 'host', `h${i}`, at, at]));
  const expected = new Map<string, { ruleId: string; day: string; outcome: string }>();
  const links: Value[][] = [];
  violations.forEach((v, i) => v.rollouts.forEach((n) => {
    links.push([i + 1, `r${n}`]);
    expected.set(`${i + 1}/r${n}`, { ruleId: rules[v.rule]!, day: addDays('2026-03-01', rollouts[n]!.day), outcome: rollouts[n]!.outcome });
  }));
  await insertAll(db, 'AdmissionViolationRollout', ['violationId', 'rolloutId'], links);
  return expected;
}

describe(`the migration ${MIGRATION} (${EXPECTED_KIND})`, () => {
  it('gives every stored link the rule of its violation and the day and outcome of its rollout', async () => {
    const provider = EXPECTED_KIND;
    const before = path.join(scratch, 'before');
    for (const m of (await readMigrations(provider)).filter((m) => m.name < MIGRATION)) {
      await writeMigration({ provider, name: m.name, sql: m.sql, schema: m.snapshot ?? '', migrationsDir: before });
    }
    const url = target();
    await applyMigrations(url, { migrationsDir: before });
    let db = await openDb(url);
    const expected = await store(db);
    await db.close();
    expect(await applyMigrations(url)).toContain(MIGRATION);
    db = await openDb(url);
    try {
      const links = await db.prisma.admissionViolationRollout.findMany();
      expect(links.length).toBe(expected.size);
      expect(new Set(links.map((l) => l.rolloutId)).size).toBeLessThan(links.length);
      for (const l of links) expect({ ruleId: l.ruleId, day: l.day, outcome: l.outcome }, `${l.violationId}/${l.rolloutId}`).toEqual(expected.get(`${l.violationId}/${l.rolloutId}`));
    } finally {
      await db.close();
    }
  }, 120_000);
});
