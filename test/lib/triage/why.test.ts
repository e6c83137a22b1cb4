import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainByTemplate } from '../../../lib/triage/why';

const squash = (s: string) => s.replace(/\s+/g, '');

describe('the template with an event\'s values in its slots', () => {
  it('puts each value in its slot and keeps the template\'s literal text, for any template and values', () => {
    // Literal text of letters and punctuation, values of digits: the values cannot be taken for literal text.
    const literal = fc.stringMatching(/^[ a-z:/().=-]{0,12}[a-z:/().=-][ a-z:/().=-]{0,12}$/);
    const value = fc.stringMatching(/^[0-9]{1,8}$/);
    const shape = fc.array(fc.tuple(value, literal), { minLength: 1, maxLength: 6 }).chain((slots) =>
      fc.record({ head: fc.option(literal, { nil: '' }), slots: fc.constant(slots) }));
    fc.assert(fc.property(shape, ({ head, slots }) => {
      const template = head + slots.map(([, lit]) => `<*>${lit}`).join('');
      const message = head + slots.map(([v, lit]) => `${v}${lit}`).join('');
      const segments = explainByTemplate(template, message);
      expect(segments.filter((s) => s.param).map((s) => s.text)).toEqual(slots.map(([v]) => v));
      expect(segments.filter((s) => !s.param).map((s) => s.text)).toEqual([head, ...slots.map(([, lit]) => lit)].filter((l) => l !== ''));
      expect(squash(segments.map((s) => s.text).join(''))).toBe(squash(message));
    }), { numRuns: 1000 });
  });

  it('reads templates spaced their own way (tokens joined by spaces) against the message\'s own spacing', () => {
    expect(explainByTemplate('pull registry.example.com/feed : <*> : i/o timeout after <*>', 'pull registry.example.com/feed:1: i/o timeout after 30s')).toEqual([
      { text: 'pull registry.example.com/feed : ', param: false }, { text: '1', param: true }, { text: ' : i/o timeout after ', param: false }, { text: '30s', param: true },
    ]);
  });

  it('gives a run of slots with nothing literal between the text once, and falls back to word alignment for a message that does not fit', () => {
    expect(explainByTemplate('<*> <*> failed', 'job 42 failed').filter((s) => s.param).map((s) => s.text)).toEqual(['job 42', '']);
    const other = explainByTemplate('pull of <*> timed out', 'something else entirely');
    expect(other.some((s) => s.param)).toBe(true);
    expect(explainByTemplate('no slots here', 'no slots here')).toEqual([{ text: 'no slots here', param: false }]);
  });
});
