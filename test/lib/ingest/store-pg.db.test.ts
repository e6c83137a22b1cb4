import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../lib/db';
import { inCopyTransaction } from '../../../lib/ingest/copy-connection';
import { copyRow } from '../../../lib/ingest/copy-text';
import type { IngestRecord } from '../../../lib/ingest/record';
import type { StoreContext, StoreItem, StoreResult } from '../../../lib/ingest/store';
import { storeChunk } from '../../../lib/ingest/store-chunk';
import { queryRows } from '../../../lib/sql';
import { EXPECTED_KIND, createTestDb, type TestDb } from '../../helpers/db';
import { STAGES } from '../../helpers/records';

// PostgreSQL stores stage runs with COPY into a staging table and one merge (lib/ingest/store-pg.ts).
// Whatever the input — hostile strings, duplicates and conflicts within and across chunks, rollouts
// spread over chunks, records the database refuses — it leaves exactly the rows, results and
// quarantine entries the multi-row INSERT path leaves. SQLite has no COPY path: nothing to compare.

const onPostgres = EXPECTED_KIND === 'postgresql';
let copyDb: TestDb;
let insertDb: TestDb;

beforeAll(async () => {
  if (!onPostgres) return;
  [copyDb, insertDb] = await Promise.all([createTestDb(), createTestDb()]);
});
afterAll(async () => Promise.all([copyDb?.close(), insertDb?.close()]));

// Text that COPY's format must escape or must not mistake for its own syntax, and any other string.
const hostile = fc.oneof(
  fc.constantFrom('\\', '\\N', '\\.', '\\\\.', '\t', '\n', '\r', '\r\n', 'a\\tb', 'x\\', '"q"', "'s'", '{"a":1}', '😀', 'שלום', '\u2028', ' ', '\\x41', '\\101'),
  fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !/[\u0000\uD800-\uDFFF]/.test(s)),
);
const nonEmpty = hostile.filter((s) => s.length > 0);
// Now and then a value PostgreSQL refuses whatever the path: a NUL in text, an integer beyond int4.
const refused = fc.constantFrom<Partial<IngestRecord>>({ errorCode: 'E\u0000' }, { host: 'h\u0000' }, { durationMs: 2 ** 31 });

const record: fc.Arbitrary<IngestRecord> = fc
  .record({
    // Hostile ids, each made rare by a number: keys repeat through the repeats below, not by chance.
    id: fc.option(fc.tuple(nonEmpty, fc.nat(1_000_000)).map(([text, n]) => `${text}${n}`), { nil: undefined }),
    n: fc.integer({ min: 0, max: 40 }),
    stage: fc.constantFrom(...STAGES),
    attempt: fc.integer({ min: 1, max: 3 }),
    status: fc.constantFrom('succeeded', 'failed', 'skipped'),
    startedAt: fc.integer({ min: Date.UTC(2026, 9, 1), max: Date.UTC(2026, 10, 28) }).map((ms) => new Date(ms).toISOString()),
    durationMs: fc.option(fc.integer({ min: 0, max: 2_147_483_647 }), { nil: undefined }),
    host: fc.option(nonEmpty, { nil: undefined }),
    env: fc.constantFrom('test', 'prerelease', 'online'),
    errorMessage: nonEmpty,
    errorCode: fc.option(hostile, { nil: undefined }),
    manual: fc.boolean(),
    attrs: fc.option(fc.dictionary(nonEmpty, fc.oneof(hostile, fc.integer()), { maxKeys: 4 }), { nil: undefined }),
    bad: fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: refused }),
  })
  .map(({ n, bad, errorMessage, ...r }) => {
    const rec = { ...r, rollout: `ro-${n}`, service: `svc-${n % 3}`, ...(r.status === 'failed' ? { errorMessage } : {}), ...bad } as IngestRecord;
    for (const k of Object.keys(rec) as (keyof IngestRecord)[]) if (rec[k] === undefined) delete rec[k];
    return rec;
  });

// Chunks of records; a later record may repeat an earlier one exactly (a duplicate) or with one field changed (a conflict).
const chunks = fc
  .array(record, { minLength: 1, maxLength: 40 })
  .chain((recs) =>
    fc.tuple(
      fc.constant(recs),
      fc.array(fc.tuple(fc.nat(recs.length - 1), fc.constantFrom('same', 'status', 'host', 'service')), { maxLength: 10 }),
      fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 5 }),
    ),
  )
  .map(([recs, repeats, sizes]) => {
    const all = [...recs];
    for (const [i, change] of repeats) {
      const r = recs[i]!;
      if (change === 'same') all.push({ ...r });
      else if (change === 'status') all.push({ ...r, status: r.status === 'skipped' ? 'succeeded' : 'skipped' });
      else if (change === 'host') all.push({ ...r, host: `${r.host ?? ''}-other` });
      else all.push({ ...r, service: `${r.service}-other` });
    }
    const out: IngestRecord[][] = [];
    for (let i = 0, s = 0; i < all.length; s += 1) {
      const size = sizes[s % sizes.length]!;
      out.push(all.slice(i, i + size));
      i += size;
    }
    return out;
  });

const contexts = new Map<Db, StoreContext>();
function contextOf(t: TestDb, pgMethod: 'copy' | 'insert'): StoreContext {
  if (!contexts.has(t.db)) contexts.set(t.db, { db: t.db, timeZone: 'Europe/Berlin', lastStage: STAGES.at(-1)!, knownServices: new Set(), pgMethod });
  return contexts.get(t.db)!;
}

let line = 0;
const itemsOf = (recs: IngestRecord[]): StoreItem[] => recs.map((record) => ({ record, line: (line += 1), raw: JSON.stringify(record) }));
// The database's wording of a refusal is its own (COPY names a line of the staging table): compare the rest.
const comparable = (r: StoreResult) => ({ ...r, rejections: r.rejections.map((x) => (x.kind === 'unstorable' ? { ...x, reason: '' } : x)) });

/**
 * Every table the store writes, rows in a stable order. Ids as their rank, not their value: the
 * paths take ids differently (INSERT … ON CONFLICT uses one up for every stored key it meets, COPY
 * only for new runs, and a refused record uses some up on one path only), but the order must be the
 * same — each chunk's runs in day order, chunk after chunk (StageRunDaySpan depends on it).
 */
async function snapshot(db: Db) {
  const p = db.prisma;
  const runs = await p.stageRun.findMany({ orderBy: { key: 'asc' } });
  const rank = <T extends { id: number }>(rows: T[]) => new Map([...rows].sort((a, b) => a.id - b.id).map((r, i) => [r.id, i]));
  const runRank = rank(runs);
  const keyOf = new Map(runs.map((r) => [r.id, r.key]));
  const stored = await p.errorEvent.findMany();
  const eventRank = rank(stored);
  const events = stored.map(({ id, stageRunId, ...e }) => ({ ...e, run: keyOf.get(stageRunId), order: eventRank.get(id), runOrder: runRank.get(stageRunId) }));
  return {
    runs: runs.map(({ id, ...r }) => ({ ...r, order: runRank.get(id) })),
    events: events.sort((a, b) => a.run!.localeCompare(b.run!)),
    rollouts: await p.rollout.findMany({ orderBy: { id: 'asc' } }),
    rollups: await p.dailyRollup.findMany({ orderBy: [{ day: 'asc' }, { stageKey: 'asc' }, { service: 'asc' }] }),
    services: (await p.service.findMany({ orderBy: { name: 'asc' } })).map((s) => s.name),
  };
}

describe.skipIf(!onPostgres)('storing with COPY on PostgreSQL', () => {
  it('leaves the same rows in every table, the same results and the same rejections as the INSERT path', async () => {
    const seen = { inserted: 0, duplicates: 0, conflict: 0, unstorable: 0 };
    await fc.assert(
      fc.asyncProperty(chunks, async (input) => {
        for (const recs of input) {
          const items = itemsOf(recs);
          const viaCopy = await storeChunk(contextOf(copyDb, 'copy'), items, 1);
          const viaInsert = await storeChunk(contextOf(insertDb, 'insert'), items, 1);
          expect(comparable(viaCopy)).toEqual(comparable(viaInsert));
          seen.inserted += viaCopy.inserted;
          seen.duplicates += viaCopy.duplicates;
          for (const r of viaCopy.rejections) seen[r.kind] += 1;
        }
        expect(await snapshot(copyDb.db)).toEqual(await snapshot(insertDb.db));
      }),
      { numRuns: 60 },
    );
    // The generator did reach the cases that matter.
    expect(seen).toEqual({ inserted: expect.toSatisfy((n: number) => n > 50), duplicates: expect.toSatisfy((n: number) => n > 5), conflict: expect.toSatisfy((n: number) => n > 5), unstorable: expect.toSatisfy((n: number) => n > 5) });
    expect(await copyDb.db.prisma.errorEvent.count()).toBeGreaterThan(10);
  });

  it('quarantines alone, with PostgreSQL\'s reason, a record whose text holds a NUL or whose integer is out of range', async () => {
    const ok = (n: number): IngestRecord => ({ rollout: `iso-${n % 3}`, service: 'svc-iso', stage: STAGES[0]!, attempt: n + 1, status: 'succeeded', startedAt: '2026-11-20T10:00:00Z', env: 'online', manual: false });
    const recs = Array.from({ length: 50 }, (_, n) => ok(n));
    recs[7] = { ...recs[7]!, errorCode: 'E\u0000X' };
    recs[31] = { ...recs[31]!, durationMs: 2 ** 31 };
    const items = itemsOf(recs);
    const r = await storeChunk(contextOf(copyDb, 'copy'), items, 2);
    expect(r.inserted).toBe(48);
    expect(r.rejections.map((x) => [x.line, x.kind])).toEqual([[items[7]!.line, 'unstorable'], [items[31]!.line, 'unstorable']]);
    expect(r.rejections[0]!.reason).toMatch(/the database refused this record: .*0x00/);
    expect(r.rejections[1]!.reason).toMatch(/out of range for type integer/);
  });

  it('reads back any string exactly as a parameter of an INSERT stores it, or refuses it the same way', async () => {
    const db = copyDb.db;
    await db.prisma.$executeRawUnsafe('CREATE TABLE copy_probe (n integer, t text, j jsonb)');
    const viaInsert = async (n: number, s: string) => {
      try {
        await queryRows(await db.bulk(), 'INSERT INTO copy_probe VALUES ($1::integer, $2, $3::jsonb)', [n, s, JSON.stringify({ [s]: s })]);
        return 'ok';
      } catch (error) {
        const cause = (error as { cause?: { originalCode?: string; code?: string } }).cause;
        return cause?.originalCode ?? cause?.code ?? 'error';
      }
    };
    const viaCopy = async (n: number, s: string) => {
      try {
        await inCopyTransaction(db, (tx) => tx.copyIn('copy_probe (n, t, j)', [copyRow([n, s, JSON.stringify({ [s]: s })])]));
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code ?? 'error';
      }
    };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), hostile), async (s) => {
        const [a, b] = [(n += 2), n + 1];
        expect(await viaCopy(a, s)).toBe(await viaInsert(b, s));
        const rows = await db.prisma.$queryRawUnsafe<{ n: number; t: string; j: unknown }[]>('SELECT n, t, j FROM copy_probe WHERE n IN ($1, $2) ORDER BY n', a, b);
        if (rows.length === 0) return;
        expect(rows.map(({ t, j }) => ({ t, j }))).toEqual([{ t: rows[1]!.t, j: rows[1]!.j }, { t: rows[1]!.t, j: rows[1]!.j }]);
        if (!/[\uD800-\uDFFF]/.test(s)) expect(rows[0]!.t).toBe(s);
      }),
      { numRuns: 300 },
    );
    // Lone surrogates and NUL were among the inputs: refused by both, or stored alike.
    expect(await viaCopy(-1, 'a\u0000b')).toBe('22021');
    expect(await viaInsert(-2, 'a\u0000b')).toBe('22021');
  });
});
