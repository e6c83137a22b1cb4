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
import { readClassDays, scanClassDays } from '../lib/triage/old-readers';
import { freshPgDatabase } from '../helpers/pg-database';
import { EXPECTED_KIND, TEST_PG_URL } from '../helpers/db';

// The migration error_class_days backfills the per-class-per-day rollup from the error events
// stored before it: a database migrated up to the migration before it, holding classified and
// unclassified events (rollouts with events of one class on several days among them), is migrated
// on, and the rollup equals a full scan of the events.

const MIGRATION = '20261202014439_error_class_days';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rollscope-class-days-'));
let drop: () => Promise<void> = async () => undefined;
afterAll(async () => {
  await drop();
  rmSync(scratch, { recursive: true, force: true });
});

function target(): string {
  if (!TEST_PG_URL) return `file:${path.join(scratch, 'backfill.db')}`;
  const fresh = freshPgDatabase(TEST_PG_URL, `rollscope_class_days_${process.pid}_${randomBytes(4).toString('hex')}`);
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

// Each rollout fails on its first day and up to three days after it, each failure in one of a few classes (or none yet).
const eventArb = fc.record({ after: fc.nat(3), classId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null, freq: 5 }) });
const rolloutArb = fc.record({ day: fc.nat(19), events: fc.array(eventArb, { minLength: 1, maxLength: 5 }) });

async function store(db: Db): Promise<void> {
  const at = toDbTimestamp(Date.parse('2026-03-01T10:00:00Z'));
  await insertAll(db, 'Service', ['name'], [['feed-api']]);
  await insertAll(db, 'Stage', ['key', 'name', 'position'], [['test-build', 'test-build', 0]]);
  await insertAll(db, 'ErrorClass', ['id', 'key', 'template', 'updatedAt'], [1, 2, 3, 4, 5].map((id) => [id, `k${id}`, `failure <*> ${id}`, at]));
  const rollouts = fc.sample(rolloutArb, { numRuns: 300, seed: 2014 });
  await insertAll(db, 'Rollout', ['id', 'service', 'env', 'startedAt', 'day', 'outcome'],
    rollouts.map((r, i) => [`r${i}`, 'feed-api', 'online', at, addDays('2026-03-01', r.day), 'failed']));
  const runs: Value[][] = [];
  const events: Value[][] = [];
  rollouts.forEach((r, i) => r.events.forEach((e, k) => {
    const id = runs.length + 1;
    const day = addDays('2026-03-01', r.day + e.after);
    runs.push([id, `k${id}`, `r${i}`, 'feed-api', 'test-build', k + 1, 'failed', 'online', at, day]);
    events.push([id, `r${i}`, 'feed-api', 'test-build', k + 1, 'online', at, day, `failure ${k} ${e.classId ?? 0}`, e.classId]);
  }));
  await insertAll(db, 'StageRun', ['id', 'key', 'rolloutId', 'service', 'stageKey', 'attempt', 'status', 'env', 'startedAt', 'day'], runs);
  await insertAll(db, 'ErrorEvent', ['stageRunId', 'rolloutId', 'service', 'stageKey', 'attempt', 'env', 'occurredAt', 'day', 'message', 'errorClassId'], events);
}

describe(`the migration ${MIGRATION} (${EXPECTED_KIND})`, () => {
  it('backfills the per-class-per-day rollup as a full scan of the stored events counts it', async () => {
    const provider = EXPECTED_KIND;
    const before = path.join(scratch, 'before');
    for (const m of (await readMigrations(provider)).filter((m) => m.name < MIGRATION)) {
      await writeMigration({ provider, name: m.name, sql: m.sql, schema: m.snapshot ?? '', migrationsDir: before });
    }
    const url = target();
    await applyMigrations(url, { migrationsDir: before });
    let db = await openDb(url);
    await store(db);
    await db.close();
    expect(await applyMigrations(url)).toContain(MIGRATION);
    db = await openDb(url);
    try {
      const expected = await scanClassDays(db);
      // Unclassified events stay out; pairs of one class and rollout on several days are there to count.
      expect(expected.days.length).toBeGreaterThan(50);
      expect(expected.pairs.length).toBeGreaterThan(20);
      expect(await db.prisma.errorEvent.count({ where: { errorClassId: null } })).toBeGreaterThan(0);
      expect(await readClassDays(db)).toEqual(expected);
    } finally {
      await db.close();
    }
  }, 120_000);
});
