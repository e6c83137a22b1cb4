/**
 * Splits a byte stream into lines without ever holding more than one line (capped) in memory.
 * Yields the lines completed by each input chunk together: one await per chunk, not per line.
 * Handles LF and CRLF ends, a UTF-8 BOM at the start, a last line without a newline, and lines
 * longer than the cap (reported as oversized, their bytes skipped, not buffered).
 */
export type RawLine = { lineNo: number; bytes: Buffer; oversized: boolean; size: number };

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export async function* splitLines(input: AsyncIterable<Uint8Array>, maxLineBytes: number): AsyncGenerator<RawLine[]> {
  let parts: Buffer[] = [];
  let size = 0;
  let lineNo = 0;
  let atStart = true;

  const finish = (): RawLine => {
    lineNo += 1;
    const oversized = size > maxLineBytes;
    let bytes = oversized ? Buffer.concat(parts) : parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    if (!oversized && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    const line = { lineNo, bytes, oversized, size };
    parts = [];
    size = 0;
    return line;
  };

  for await (const chunk of input) {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (atStart && buf.length > 0) {
      atStart = false;
      if (buf.subarray(0, 3).equals(BOM)) buf = buf.subarray(3);
    }
    let from = 0;
    const done: RawLine[] = [];
    for (let nl = buf.indexOf(LF, from); nl !== -1; nl = buf.indexOf(LF, from)) {
      keep(buf.subarray(from, nl));
      done.push(finish());
      from = nl + 1;
    }
    keep(buf.subarray(from));
    if (done.length) yield done;
  }
  if (size > 0 || parts.length > 0) yield [finish()];

  // Past the cap only the first bytes are kept (for the quarantine's excerpt); the size still counts.
  function keep(piece: Buffer) {
    if (piece.length === 0) return;
    if (size <= maxLineBytes) parts.push(piece);
    size += piece.length;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8; null when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}
