import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../../../lib/errors';
import { boundedText, idSchema, oneOf, pageSchema } from '../../../lib/http/fields';
import { fieldsOrThrow, formFields, parseParams, paramsOrThrow } from '../../../lib/http/params';

const schema = z.object({ sort: oneOf(['rank', 'failures']).default('rank'), page: pageSchema, service: boundedText(20).optional() });

describe('URL parameters', () => {
  it('takes an empty value as absent, ignores unknown parameters and fills defaults', () => {
    expect(parseParams(schema, new URLSearchParams('sort=&service=&utm_source=chat'))).toEqual({ ok: true, data: { sort: 'rank', page: 1 } });
    expect(paramsOrThrow(schema, { page: '3', service: 'feed-api' })).toEqual({ sort: 'rank', page: 3, service: 'feed-api' });
  });

  it('refuses a parameter given twice, in either shape Next hands them over', () => {
    expect(parseParams(schema, new URLSearchParams('page=1&page=2'))).toEqual({ ok: false, issues: [{ param: 'page', message: 'is given 2 times; give it once' }] });
    expect(parseParams(schema, { sort: ['rank', 'failures'] })).toMatchObject({ ok: false, issues: [{ param: 'sort' }] });
  });

  it('names every bad parameter, and a page gets them as a ValidationError (400)', () => {
    const result = parseParams(schema, { sort: 'nonsense', page: '-3' });
    expect(result).toEqual({ ok: false, issues: [{ param: 'sort', message: '"nonsense" is not one of rank, failures' }, { param: 'page', message: '"-3" is not a whole number from 1 to 10000' }] });
    expect(() => paramsOrThrow(schema, { page: '0' })).toThrow(ValidationError);
    expect(() => paramsOrThrow(schema, { page: '0' })).toThrow('page: "0" is not a whole number from 1 to 10000');
  });

  it('answers any input with data or issues, never an exception', () => {
    const input = fc.dictionary(fc.oneof(fc.constantFrom('sort', 'page', 'service'), fc.string()), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined)));
    fc.assert(fc.property(input, (record) => {
      const result = parseParams(schema, record);
      if (!result.ok) for (const issue of result.issues) expect(['sort', 'page', 'service']).toContain(issue.param);
    }), { numRuns: 1000 });
  });
});

describe('form fields of server actions', () => {
  const form = (entries: [string, string][]) => {
    const f = new FormData();
    for (const [k, v] of entries) f.append(k, v);
    return f;
  };

  it('keeps listed fields as lists and refuses a repeated single field', () => {
    const actionSchema = z.object({ ids: z.array(idSchema).max(3), op: oneOf(['status']) });
    expect(fieldsOrThrow(actionSchema, formFields(form([['ids', '1'], ['ids', '2'], ['op', 'status'], ['$ACTION_ID_x', '']]), ['ids']))).toEqual({ ids: [1, 2], op: 'status' });
    expect(() => fieldsOrThrow(actionSchema, formFields(form([['ids', '1'], ['op', 'status'], ['op', 'status']]), ['ids']))).toThrow(/^op: /);
    expect(() => fieldsOrThrow(actionSchema, formFields(form([['ids', '1'], ['ids', '2'], ['ids', '3'], ['ids', '4'], ['op', 'status']]), ['ids']))).toThrow(/^ids: /);
    expect(() => fieldsOrThrow(actionSchema, formFields(form([['ids', '99999999999999999999'], ['op', 'status']]), ['ids']))).toThrow(/^ids\.0: "99999999999999999999" is not a whole number/);
  });
});
