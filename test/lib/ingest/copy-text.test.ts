import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyPieces, copyRow, copyValue } from '../../../lib/ingest/copy-text';

// The reading side of COPY's text format, for the properties: what PostgreSQL does with a value.
function readCopyValue(text: string): string | null {
  if (text === '\\N') return null;
  const named: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };
  return text.replace(/\\(.)/gs, (_, c: string) => named[c] ?? c);
}

describe('COPY text format', () => {
  it.each([
    [null, '\\N'],
    [undefined, '\\N'],
    ['\\N', '\\\\N'],
    ['a\tb\nc\rd\\e', 'a\\tb\\nc\\rd\\\\e'],
    ['\\.', '\\\\.'],
    [true, 't'],
    [false, 'f'],
    [42, '42'],
    ['{"k":"v\\"\\\\"}', '{"k":"v\\\\"\\\\\\\\"}'],
    ['😀 naïve שלום', '😀 naïve שלום'],
  ])('writes %j as %j', (value, text) => {
    expect(copyValue(value)).toBe(text);
  });

  it('never lets a value hold a raw tab, newline, carriage return or lone backslash, and reads back as written', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = copyValue(s);
        expect(text).not.toMatch(/[\t\n\r]/);
        expect(text.replace(/\\\\/g, '')).not.toMatch(/\\(?![tnr])/);
        expect(readCopyValue(text)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('joins a row with tabs, ends it with a newline, and splits rows into pieces only between rows', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.string(), fc.constant(null), fc.integer()), { minLength: 1, maxLength: 5 }), { maxLength: 5000 }), (rows) => {
        const text = [...copyPieces(rows, (r) => r)].join('');
        expect(text).toBe(rows.map(copyRow).join(''));
        for (const piece of copyPieces(rows, (r) => r)) expect(piece.endsWith('\n')).toBe(true);
        const lines = text === '' ? [] : text.slice(0, -1).split('\n');
        expect(lines.map((l) => l.split('\t').map(readCopyValue))).toEqual(rows.map((r) => r.map((v) => (v === null ? null : String(v)))));
      }),
      { numRuns: 50 },
    );
  });
});
