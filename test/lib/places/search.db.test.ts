import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directHit, escapeLike, foldAscii, PER_KIND, prefixUpperBound, searchEverything } from '../../../lib/places/search';
import { createTestDb, type TestDb } from '../../helpers/db';

let t: TestDb;

/** Code point order: how SQLite and a "C"-collated PostgreSQL sort text (JS's < compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// Names and queries made of what breaks LIKE and quoting: wildcards, the escape character, quotes, case, unicode.
const unit = fc.constantFrom('a', 'A', 'b', 'B', '%', '_', '\\', "'", '"', 'é', 'É', 'ß', '🙂', ' ', '-', '.', '\uffff', '\u{10ffff}');
const awkward = fc.oneof({ weight: 4, arbitrary: fc.string({ unit, minLength: 1, maxLength: 6 }) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) })
  .filter((s) => s.trim() !== '' && !s.includes('\u0000'));
const names = (seed: number, n: number) => [...new Set(fc.sample(awkward, { seed, numRuns: n }))];

const SERVICES = names(1, 80);
const HOSTS = names(2, 80);
const ROLLOUTS = names(3, 120);
const CLASS_TEXT = names(4, 60);

/** What the search must answer, computed from the rows written, without SQL. */
function expected(q: string) {
  const needle = foldAscii(q.trim());
  const rank = (name: string) => (foldAscii(name) === needle ? 0 : foldAscii(name).startsWith(needle) ? 1 : 2);
  const names = (all: string[]) => all.filter((n) => foldAscii(n).includes(needle)).sort((a, b) => rank(a) - rank(b) || byCodePoint(a, b)).slice(0, PER_KIND);
  const classes = CLASS_TEXT.map((text, i) => ({ id: i + 1, name: i % 3 === 0 ? `${text}!` : null, template: `tpl ${text}`, eventCount: (i * 7) % 5, merged: i % 5 === 4 }))
    .filter((c) => !c.merged && (foldAscii(c.template).includes(needle) || (c.name !== null && foldAscii(c.name).includes(needle))))
    .sort((a, b) => b.eventCount - a.eventCount || a.id - b.id).slice(0, PER_KIND).map((c) => c.id);
  return {
    rollouts: ROLLOUTS.filter((id) => id.startsWith(q.trim())).sort(byCodePoint).slice(0, PER_KIND),
    services: names(SERVICES), hosts: names(HOSTS), classes,
  };
}

beforeAll(async () => {
  t = await createTestDb();
  const p = t.db.prisma;
  await p.service.createMany({ data: SERVICES.map((name) => ({ name })) });
  // A host seen in two environments is one host.
  await p.hostEnvSeen.createMany({ data: HOSTS.flatMap((host, i) => ['test', 'online'].slice(0, 1 + (i % 2)).map((env) => ({ host, env, firstSeen: new Date(0), lastSeen: new Date(0) }))) });
  await p.rollout.createMany({ data: ROLLOUTS.map((id) => ({ id, service: SERVICES[0]!, env: 'test', startedAt: new Date(0), day: '2026-11-20', outcome: 'succeeded' })) });
  for (const [i, text] of CLASS_TEXT.entries()) {
    await p.errorClass.create({ data: { id: i + 1, key: `k${i}`, name: i % 3 === 0 ? `${text}!` : null, template: `tpl ${text}`, eventCount: (i * 7) % 5 } });
  }
  for (const [i] of CLASS_TEXT.entries()) if (i % 5 === 4) await p.errorClass.update({ where: { id: i + 1 }, data: { mergedIntoId: 1, status: 'merged' } });
});
afterAll(async () => t?.close());

describe('LIKE patterns and prefix ranges', () => {
  it('escapes exactly the wildcards and the escape character', () => {
    expect(escapeLike(String.raw`50%_off\now`)).toBe(String.raw`50\%\_off\\now`);
    fc.assert(fc.property(fc.string(), (s) => escapeLike(s).replace(/\\([\\%_])/g, '$1') === s && !/(^|[^\\])(\\\\)*[%_]/.test(escapeLike(s))));
  });

  it('bounds exactly the strings that start with a prefix, in code point order', () => {
    const text = fc.string({ unit: fc.oneof(unit, fc.constantFrom('\ud7ff', '\ue000')), maxLength: 5 });
    fc.assert(fc.property(text, text, (prefix, s) => {
      const upper = prefixUpperBound(prefix);
      const inRange = byCodePoint(s, prefix) >= 0 && (upper === null || byCodePoint(s, upper) < 0);
      return inRange === s.startsWith(prefix);
    }), { numRuns: 2000 });
    expect(prefixUpperBound('ab')).toBe('ac');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeNull();
    expect(prefixUpperBound('\ud7ff')).toBe('\ue000');
  });
});

describe('searchEverything', () => {
  it('finds what the rows hold and nothing else, for generated queries with wildcards, quotes and unicode', async () => {
    const fromNames = fc.constantFrom(...SERVICES, ...HOSTS, ...ROLLOUTS, ...CLASS_TEXT).chain((s) =>
      fc.tuple(fc.nat(s.length), fc.nat(s.length)).map(([a, b]) => [...s].slice(Math.min(a, b), Math.max(a, b) + 1).join('')));
    const query = fc.oneof(fromNames, fc.string({ unit, minLength: 1, maxLength: 3 }), fc.constantFrom('%', '_', '\\', '%%', "'", '"', ' a ', 'A'));
    await fc.assert(fc.asyncProperty(query, async (q) => {
      const r = await searchEverything(t.db, q);
      const want = expected(q);
      if (q.trim() === '') {
        expect(r).toMatchObject({ rollouts: [], services: [], hosts: [], classes: [] });
        return;
      }
      expect({ rollouts: r.rollouts, services: r.services, hosts: r.hosts, classes: r.classes.map((c) => c.id) }, JSON.stringify(q)).toEqual(want);
      expect(r.exactRollout).toBe(ROLLOUTS.includes(q.trim()) ? q.trim() : null);
    }), { numRuns: 150, seed: 20261201 });
  });

  it('lists at most PER_KIND of a kind and says there are more', async () => {
    const r = await searchEverything(t.db, 'a');
    const all = SERVICES.filter((s) => foldAscii(s).includes('a')).length;
    expect(all).toBeGreaterThan(PER_KIND);
    expect(r.services).toHaveLength(PER_KIND);
    expect(r.more.services).toBe(true);
  });

  it('treats a blank query, or one no database can hold, as finding nothing', async () => {
    for (const q of ['', '   ', 'a\u0000', '\ud800']) expect(await searchEverything(t.db, q), JSON.stringify(q)).toMatchObject({ rollouts: [], services: [], hosts: [], classes: [], exactRollout: null });
  });

  it('goes straight to a rollout named exactly, unless a service or host bears the same name', async () => {
    const id = ROLLOUTS.find((r) => r === r.trim() && !SERVICES.includes(r) && !HOSTS.includes(r))!;
    expect(directHit(await searchEverything(t.db, id))).toBe(id);
    await t.db.prisma.service.create({ data: { name: 'ro-and-service' } });
    await t.db.prisma.rollout.create({ data: { id: 'ro-and-service', service: 'ro-and-service', env: 'test', startedAt: new Date(0), day: '2026-11-20', outcome: 'failed' } });
    const both = await searchEverything(t.db, 'ro-and-service');
    expect(both.exactRollout).toBe('ro-and-service');
    expect(directHit(both)).toBeNull();
  });
});
