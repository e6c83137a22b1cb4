import { describe, expect, it } from 'vitest';
import { typeCsvCells, validateRecord } from '../../../lib/ingest/validate';

const STAGES = new Set(['test-build', 'image-pull']);
const base = { rollout: 'r1', service: 'feed-api', stage: 'image-pull', status: 'succeeded', startedAt: '2026-11-20T10:00:00+01:00' };

describe('validateRecord', () => {
  it('applies the defaults: attempt 1, env online, manual false', () => {
    const v = validateRecord(base, STAGES);
    expect(v).toEqual({ ok: true, record: expect.objectContaining({ attempt: 1, env: 'online', manual: false }) });
  });

  it.each([
    ['a missing rollout', { rollout: undefined }, 'rollout', 'is required'],
    ['a wrong type', { attempt: '2' }, 'attempt', /expected number/],
    ['attempt 0', { attempt: 0 }, 'attempt', /expected number to be >=1/],
    ['an unknown status', { status: 'done' }, 'status', /succeeded.*failed.*skipped/],
    ['an unknown stage', { stage: 'deploy-moon' }, 'stage', 'unknown stage "deploy-moon" (not in the configured chain)'],
    ['a timestamp without offset', { startedAt: '2026-11-20T10:00:00' }, 'startedAt', /ISO-8601 timestamp with an offset/],
    ['a non-date timestamp', { startedAt: 'yesterday' }, 'startedAt', /ISO-8601/],
    ['a missing timestamp', { startedAt: undefined }, 'startedAt', 'is required'],
    ['finishedAt before startedAt', { finishedAt: '2026-11-20T08:00:00Z' }, 'finishedAt', 'is before startedAt'],
    ['a failure without a message', { status: 'failed' }, 'errorMessage', 'is required when status is "failed"'],
    ['a failure with a blank message', { status: 'failed', errorMessage: '  ' }, 'errorMessage', 'is required when status is "failed"'],
    ['nested attrs', { attrs: { a: { b: 1 } } }, 'attrs.a', 'must be a string or a number (attrs is a flat object)'],
    ['an unknown env', { env: 'staging' }, 'env', /test.*prerelease.*online/],
  ])('rejects %s naming the field', (_, patch, field, reason) => {
    const v = validateRecord({ ...base, ...patch }, STAGES);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.field).toBe(field);
      if (typeof reason === 'string') expect(v.reason).toBe(reason);
      else expect(v.reason).toMatch(reason);
    }
  });
});

describe('typeCsvCells', () => {
  it('turns integer, boolean and JSON cells into values and drops empty cells', () => {
    const typed = typeCsvCells({ attempt: '2', durationMs: '1500', manual: 'TRUE', attrs: '{"image":"x:1","batch":3}', host: '' });
    expect(typed).toEqual({ ok: true, value: { attempt: 2, durationMs: 1500, manual: true, attrs: { image: 'x:1', batch: 3 } } });
  });

  it('leaves an unparseable number for the schema to reject by name', () => {
    const typed = typeCsvCells({ ...base, attempt: 'two' });
    expect(typed.ok && validateRecord(typed.value, STAGES)).toMatchObject({ ok: false, field: 'attempt' });
  });

  it('rejects attrs that are not JSON', () => {
    expect(typeCsvCells({ attrs: '{image: x}' })).toEqual({ ok: false, field: 'attrs', reason: expect.stringMatching(/not valid JSON/) });
  });
});
