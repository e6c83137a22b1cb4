import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inStringList, queryRows, stringListArg } from '../../lib/sql';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../helpers/db';

// inStringList binds a list of strings as one parameter (a JSON array on SQLite, a quoted text[]
// literal on PostgreSQL): whatever the strings — quotes, backslashes, braces, commas, the word NULL,
// empty, unicode — a value matches exactly when the list holds it.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ chain: false });
});
afterAll(() => t.close());

const awkward = fc.oneof(
  fc.string(),
  fc.constantFrom('', 'NULL', 'null', '"', '\\', '\\"', '{a,b}', 'a,b', ' spaced ', "it's", 'é🙂', '}', '{'),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', ',', '{', '}', ' ', "'", 'N', 'U', 'L') }),
);

describe(`a list of strings bound as one parameter (${EXPECTED_KIND})`, () => {
  it('matches exactly the strings of the list', async () => {
    const q = await t.db.bulk();
    const sql = EXPECTED_KIND === 'sqlite'
      ? `SELECT 1 AS "hit" FROM (SELECT CAST(? AS TEXT) AS "c") t WHERE ${inStringList('sqlite', 't."c"')}`
      : `SELECT 1 AS "hit" FROM (SELECT CAST($1 AS TEXT) AS "c") t WHERE ${inStringList('postgresql', 't."c"').replace('?', '$2')}`;
    await fc.assert(
      fc.asyncProperty(fc.array(awkward.filter((s) => !s.includes('\u0000')), { maxLength: 12 }), awkward.filter((s) => !s.includes('\u0000')), fc.boolean(), async (list, other, pickFromList) => {
        const candidate = pickFromList && list.length > 0 ? list[other.length % list.length]! : other;
        const rows = await queryRows<{ hit: number }>(q, sql, [candidate, stringListArg(t.db.kind, list)]);
        expect(rows.length, JSON.stringify({ candidate, list })).toBe(list.includes(candidate) ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });
});
