import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitJsonArray } from '../../../lib/ingest/json-array';

describe('splitting a JSON array body into its elements', () => {
  it('gives back every element of any array, whatever the spacing, as the bytes JSON.parse reads', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom('', ' ', '\n', '\t \r\n'), (values, gap) => {
        const body = Buffer.from(`${gap}[${gap}${values.map((v) => JSON.stringify(v)).join(`${gap},${gap}`)}${gap}]${gap}`);
        const split = splitJsonArray(body);
        expect(split.ok).toBe(true);
        if (split.ok) expect(split.elements.map((e) => JSON.parse(e.bytes.toString('utf8')))).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
      }),
      { numRuns: 300 },
    );
  });

  it('numbers elements from 1 and keeps a malformed element apart from the others', () => {
    const split = splitJsonArray(Buffer.from('[{"a":1}, {"b": tru}, "x\\"]", [1,[2]]]'));
    expect(split).toEqual({ ok: true, elements: [1, 2, 3, 4].map((index) => ({ index, bytes: expect.any(Buffer) })) });
    if (split.ok) expect(split.elements.map((e) => e.bytes.toString())).toEqual(['{"a":1}', '{"b": tru}', '"x\\"]"', '[1,[2]]']);
  });

  it.each([
    ['an object', '{"a":1}', /must be an array/],
    ['an array that is not closed', '[{"a":1},', /not closed \(element 2/],
    ['text after the array', '[1] [2]', /unexpected content after the JSON array at byte 5/],
    ['an unclosed string', '["abc', /not closed/],
  ])('refuses %s with the reason', (_, body, reason) => {
    const split = splitJsonArray(Buffer.from(body));
    expect(split.ok).toBe(false);
    if (!split.ok) expect(split.reason).toMatch(reason);
  });

  it('accepts an empty array and a BOM', () => {
    expect(splitJsonArray(Buffer.from('\uFEFF [ ] '))).toEqual({ ok: true, elements: [] });
  });
});
