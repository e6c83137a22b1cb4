import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, compileRegex, compileTemplate, PatternError } from '../../../lib/classify/patterns';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The obvious (backtracking) reading of a wildcard pattern, to check the linear matcher against. */
const reference = (parts: string[], flags = '') => new RegExp(`^${parts.map(escape).join('[\\s\\S]*')}$`, flags);

describe('class rule patterns', () => {
  it('match a glob exactly as the backtracking reading does, case-insensitive', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'A', '-', '.'), maxLength: 3 }), { minLength: 1, maxLength: 4 }), fc.string({ unit: fc.constantFrom('a', 'b', 'B', '-', '.', 'x'), maxLength: 12 }), (parts, value) => {
        expect(compileGlob(parts.join('*'))(value)).toBe(reference(parts.map((p) => p.toLowerCase())).test(value.toLowerCase()));
      }),
      { numRuns: 2000 },
    );
  });

  it('match a template with <*> as the backtracking reading does, whitespace runs equal', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '/'), maxLength: 4 }), { minLength: 2, maxLength: 4 }).filter((p) => p.join('').trim() !== ''), fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', '/', '1'), maxLength: 14 }), (parts, message) => {
        const norm = (s: string) => s.trim().replace(/\s+/g, ' ');
        const template = parts.join('<*>');
        expect(compileTemplate(template)(message)).toBe(reference(norm(template).split('<*>')).test(norm(message)));
      }),
      { numRuns: 2000 },
    );
  });

  it('take linear time on input that makes backtracking regular expressions explode', () => {
    const long = 'a'.repeat(20_000);
    const started = performance.now();
    expect(compileTemplate('<*>a<*>a<*>a<*>a<*>b')(long)).toBe(false);
    expect(compileGlob('*a*a*a*a*b')(long)).toBe(false);
    expect(compileRegex('(a+)+b')(long)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('find a regular expression anywhere in the message, case-insensitive, and refuse what RE2 cannot run', () => {
    expect(compileRegex('pull .* i/o timeout')('PULL registry/x:1: I/O TIMEOUT')).toBe(true);
    expect(() => compileRegex('(a)\\1')).toThrow(PatternError);
    expect(() => compileRegex('(?<=a)b')).toThrow(PatternError);
    expect(() => compileTemplate('<*> <*>')).toThrow(/literal text/);
  });
});
