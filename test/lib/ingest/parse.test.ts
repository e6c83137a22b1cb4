import { describe, expect, it } from 'vitest';
import { parseCsv, parseNdjson } from '../../../lib/ingest/parse';
import { bytes, collect } from '../../helpers/streams';

const ok = (line: number) => expect.objectContaining({ ok: true, line });
const MAX = 1024;

describe('parseNdjson', () => {
  it('reads one object per line, numbering lines from 1, across chunk boundaries', async () => {
    const input = '{"a":1}\n{"a":2}\n{"a":3}';
    for (const chunk of [0, 1, 3, 7]) {
      const lines = await collect(parseNdjson(bytes(input, chunk), MAX));
      expect(lines).toEqual([ok(1), ok(2), ok(3)]);
      expect(lines.map((l) => (l.ok ? l.value.a : null))).toEqual([1, 2, 3]);
    }
  });

  it('accepts CRLF line ends and strips a UTF-8 BOM', async () => {
    const lines = await collect(parseNdjson(bytes('\uFEFF{"a":"x"}\r\n{"a":"y"}\r\n', 2), MAX));
    expect(lines.map((l) => (l.ok ? l.value.a : l.reason))).toEqual(['x', 'y']);
  });

  it('skips blank lines but keeps counting them', async () => {
    const lines = await collect(parseNdjson(bytes('{"a":1}\n\n   \n{"a":2}\n'), MAX));
    expect(lines).toEqual([ok(1), ok(4)]);
  });

  it('rejects malformed JSON and non-objects with their line numbers and raw text', async () => {
    const lines = await collect(parseNdjson(bytes('{"a":1}\n{"a":\n[1,2]\n"str"\nnull\n{"a":2}\n'), MAX));
    expect(lines.map((l) => [l.line, l.ok])).toEqual([[1, true], [2, false], [3, false], [4, false], [5, false], [6, true]]);
    const bad = lines[1]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.reason).toMatch(/^malformed JSON/);
      expect(bad.raw).toBe('{"a":');
    }
    expect(lines[2]).toMatchObject({ ok: false, reason: 'expected a JSON object' });
  });

  it('rejects an oversized line without buffering it and keeps the lines after it', async () => {
    const huge = `{"a":"${'x'.repeat(10_000)}"}`;
    const lines = await collect(parseNdjson(bytes(`{"a":1}\n${huge}\n{"a":2}\n`, 100), 1000));
    expect(lines.map((l) => l.ok)).toEqual([true, false, true]);
    expect(lines[1]).toMatchObject({ line: 2, reason: expect.stringMatching(/10008 bytes, over the 1000-byte limit/) });
    expect(!lines[1]!.ok && lines[1]!.raw.length).toBeLessThanOrEqual(4096);
  });

  it('rejects invalid UTF-8 on its line only', async () => {
    const input = Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"a":"caf\u00e9"}\n')]);
    const lines = await collect(parseNdjson(bytes(input), MAX));
    expect(lines.map((l) => (l.ok ? l.value.a : l.reason))).toEqual([1, 'line is not valid UTF-8', 'café']);
  });

  it('yields nothing for empty input', async () => {
    expect(await collect(parseNdjson(bytes(''), MAX))).toEqual([]);
  });
});

describe('parseCsv', () => {
  const header = 'rollout,service,stage,status,startedAt,errorMessage\n';

  it('maps header names to values and keeps a quoted field with newlines, commas and quotes', async () => {
    const input = `${header}r1,svc,image-pull,failed,2026-11-20T10:00:00Z,"pull failed:\nmanifest ""v1"", unknown"\nr2,svc,image-pull,succeeded,2026-11-20T10:00:00Z,\n`;
    const lines = await collect(parseCsv(bytes(input, 5), MAX));
    expect(lines).toEqual([ok(2), ok(4)]);
    expect(lines[0]!.ok && lines[0]!.value.errorMessage).toBe('pull failed:\nmanifest "v1", unknown');
    expect(lines[1]!.ok && lines[1]!.value.errorMessage).toBe('');
  });

  it('accepts CRLF and a BOM', async () => {
    const lines = await collect(parseCsv(bytes(`\uFEFF${header.replace('\n', '\r\n')}r1,svc,test-build,succeeded,2026-11-20T10:00:00Z,\r\n`), MAX));
    expect(lines).toEqual([ok(2)]);
    expect(lines[0]!.ok && lines[0]!.value.rollout).toBe('r1');
  });

  it('rejects a row with an unclosed quote alone and keeps the rows after it', async () => {
    const input = `${header}r1,svc,test-build,failed,2026-11-20T10:00:00Z,"oops\nr2,svc,test-build,succeeded,2026-11-20T10:00:00Z,\nr3,svc,test-build,succeeded,2026-11-20T10:00:00Z,\n`;
    const lines = await collect(parseCsv(bytes(input), MAX));
    expect(lines.map((l) => [l.line, l.ok])).toEqual([[2, false], [3, true], [4, true]]);
    expect(lines[0]).toMatchObject({ reason: expect.stringMatching(/quoted field not closed/) });
  });

  it('rejects a row whose cell count differs from the header and a row with a stray quote', async () => {
    const input = `${header}r1,svc\nr2,svc,test-build,failed,2026-11-20T10:00:00Z,"bad"x\nr3,svc,test-build,succeeded,2026-11-20T10:00:00Z,\n`;
    const lines = await collect(parseCsv(bytes(input), MAX));
    expect(lines.map((l) => l.ok)).toEqual([false, false, true]);
    expect(lines[0]).toMatchObject({ line: 2, reason: 'has 2 cells, the header has 6' });
    expect(lines[1]).toMatchObject({ line: 3, reason: expect.stringMatching(/^malformed CSV/) });
  });

  it('warns about unknown header columns, ignores them and rejects no line for them', async () => {
    const warnings: string[] = [];
    const lines = await collect(parseCsv(bytes('rollout,colour,size\nr1,blue,3\n'), MAX, { warn: (w) => warnings.push(w) }));
    expect(warnings).toEqual(['line 1: unknown CSV column(s) ignored: colour, size']);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.ok && lines[0]!.value).toEqual({ rollout: 'r1' });
  });
});
