import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvRow } from '../../lib/demo/write-files';
import { csvCell, csvDataCell, startsFormula, toCsv } from '../../lib/format-csv';
import { RECORD_FIELDS } from '../../lib/ingest/record';

const FORMULA_LEADS = ['=', '+', '-', '@', '\t', '\r', '\n', '\u0000'];
const readCsv = (csv: string): string[][] => parse(csv, { relax_column_count: false });
// Text that is often formula-like: a lead character, maybe behind spaces, then anything.
const formulaish = fc.tuple(fc.constantFrom('', ' ', '  ', '\u00a0'), fc.constantFrom(...FORMULA_LEADS), fc.string({ unit: 'binary', maxLength: 30 })).map((p) => p.join(''));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), formulaish, fc.constantFrom('=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', 'a;=1+2', 'a\t=1'));

describe('CSV for people (exports, table downloads)', () => {
  it('never lets a text cell start a formula, and gives the text back after the quote in front', () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 6 }), (texts) => {
        const [, row] = readCsv(toCsv(texts.map((_, i) => `c${i}`), [texts]));
        expect(row).toHaveLength(texts.length);
        row!.forEach((cell, i) => {
          expect(startsFormula(cell)).toBe(false);
          expect(FORMULA_LEADS.includes(cell[0] ?? '')).toBe(false);
          const text = texts[i]!;
          expect(startsFormula(text) ? cell === `'${text}` : cell === text).toBe(true);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes a neutralised cell, and any cell holding a separator a spreadsheet might split on', () => {
    expect(csvCell('=1+2')).toBe(`"'=1+2"`);
    expect(csvCell('-x "y"')).toBe(`"'-x ""y"""`);
    expect(csvCell(' @SUM(A1)')).toBe(`"' @SUM(A1)"`);
    expect(csvCell('a;=1+2')).toBe('"a;=1+2"');
    expect(csvCell('a\tb')).toBe('"a\tb"');
  });

  it('writes typed numbers, booleans and objects as they are, and quotes only cells that need it', () => {
    expect([csvCell('plain'), csvCell('a,b'), csvCell('say "hi"'), csvCell('two\nlines'), csvCell(null), csvCell(3), csvCell({ a: 1 })]).toEqual([
      'plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '', '3', '"{""a"":1}"',
    ]);
    expect([csvCell(-3), csvCell(-0.5), csvCell(1e-7), csvCell(-12n), csvCell(false)]).toEqual(['-3', '-0.5', '1e-7', '-12', 'false']);
    expect(toCsv(['x', 'y'], [[1, 'a,b']])).toBe('x,y\r\n1,"a,b"\r\n');
  });
});

describe('CSV for machines (the demo input files)', () => {
  it('keeps every text exactly, formula-like or not, so that what is ingested is what was generated', () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 6 }), (texts) => {
        const [row] = readCsv(`${texts.map(csvDataCell).join(',')}\r\n`);
        expect(row).toEqual(texts);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a record whose message starts with "-" unchanged', () => {
    const record = { rollout: 'ro-1', service: 'svc', stage: 'image-pull', status: 'failed', startedAt: '2026-12-01T09:00:00Z', errorMessage: '-Xmx too small: =1+2' } as const;
    const [cells] = readCsv(formatCsvRow(record));
    expect(cells![RECORD_FIELDS.indexOf('errorMessage')]).toBe('-Xmx too small: =1+2');
  });
});
