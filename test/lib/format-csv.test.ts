import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../lib/format-csv';

describe('CSV writing', () => {
  it('quotes only cells that need it and writes objects as JSON', () => {
    expect([csvCell('plain'), csvCell('a,b'), csvCell('say "hi"'), csvCell('two\nlines'), csvCell(null), csvCell(3), csvCell({ a: 1 })]).toEqual([
      'plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '', '3', '"{""a"":1}"',
    ]);
    expect(toCsv(['x', 'y'], [[1, 'a,b']])).toBe('x,y\r\n1,"a,b"\r\n');
  });
});
