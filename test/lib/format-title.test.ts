import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipTitle, openClosers } from '../../lib/format-title';

const word = fc.stringMatching(/^[a-z0-9_.:\/=-]{1,12}$/);
const wildcard = fc.constant('<*>');
/** Message-like text whose brackets and quotes are balanced: words, wildcards and nested groups. */
const balanced: fc.Arbitrary<string> = fc.letrec<{ text: string }>((tie) => ({
  text: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(fc.oneof(word, wildcard), { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' ')),
    fc.tuple(fc.constantFrom('()', '[]', '{}', '""', "''", '``'), tie('text')).map(([p, inner]) => `${p[0]}${inner}${p[1]}`),
    fc.array(tie('text'), { minLength: 2, maxLength: 4 }).map((parts) => parts.join(' ')),
  ),
})).text;

describe('clipTitle', () => {
  it('keeps a title that fits as it is', () => {
    fc.assert(fc.property(balanced, (s) => {
      expect(clipTitle(s, s.length)).toBe(s);
    }));
  });

  it('never leaves a bracket or quote open, stays within the budget, and keeps a prefix of the title', () => {
    fc.assert(fc.property(balanced, fc.integer({ min: 8, max: 120 }), (s, max) => {
      // Nested quotes of one kind read as text in the middle; only titles the reader sees balanced count.
      fc.pre(openClosers(s).length === 0);
      const out = clipTitle(s, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(openClosers(out)).toEqual([]);
      if (out !== s) expect(s.startsWith(out.slice(0, out.indexOf('…')))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('closes what it cut, after the ellipsis, on a word boundary', () => {
    const title = 'Failed to pull image "registry.local/app:<*>" from (host <*>, port <*>): connection reset';
    expect(clipTitle(title, 60)).toBe('Failed to pull image "registry.local/app:<*>" from (host…)');
    expect(clipTitle('Error "could not open file <*> for reading" at step <*>', 40)).toBe('Error "could not open file <*> for…"');
  });

  it('stays within the budget on any text at all', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '(', ')', '"', "'", '<', '>', '[', '`'), maxLength: 80 }), fc.integer({ min: 1, max: 60 }), (s, max) => {
      expect(clipTitle(s, max).length).toBeLessThanOrEqual(max);
    }));
  });

  it('reads apostrophes inside words as text, not as quotes', () => {
    expect(openClosers("can't reach host; it's down")).toEqual([]);
    expect(clipTitle("can't reach host <*> because the service isn't answering", 30)).toBe("can't reach host <*> because…");
  });

  it('does not invent a closer the whole title never had', () => {
    expect(clipTitle('value (unclosed and a long tail of words after it', 20)).toBe('value (unclosed and…');
  });
});
