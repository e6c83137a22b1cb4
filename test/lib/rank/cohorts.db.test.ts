import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCohorts } from '../../../lib/rank/cohorts';
import { createTestDb, EXPECTED_KIND, type TestDb } from '../../helpers/db';
import { ingestRuns } from '../../helpers/ingest';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await ingestRuns(t.db, [
    // The release on a later run wins over the image on an earlier one: release comes first.
    { rollout: 'a', stage: 'test-build', at: '2026-11-16T08:00:00Z', attrs: { commit: 'abc123' } },
    { rollout: 'a', stage: 'image-build', at: '2026-11-16T08:10:00Z', attrs: { image: 'reg/web:2.1.7' } },
    { rollout: 'a', stage: 'image-pull', at: '2026-11-16T08:20:00Z', attrs: { image: 'reg/web:2.1.7', release: 'web@2.1' } },
    { rollout: 'b', stage: 'test-build', at: '2026-11-16T09:00:00Z', attrs: { version: 42 } },
    { rollout: 'c', stage: 'test-build', at: '2026-11-16T10:00:00Z' },
    { rollout: 'd', stage: 'test-build', at: '2026-11-16T10:00:00Z', attrs: { region: 'eu' } },
  ]);
});
afterAll(async () => t?.close());

describe(`a rollout's cohort (${EXPECTED_KIND})`, () => {
  it('is the first of release, version, image, commit that any of its runs carries', async () => {
    const cohorts = await readCohorts(t.db, ['a', 'b', 'c', 'd', 'unknown']);
    expect(Object.fromEntries(cohorts)).toEqual({ a: 'release web@2.1', b: 'version 42' });
  });
});
