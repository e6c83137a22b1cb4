/** Feeds bytes to a parser as an async stream, optionally cut into small chunks to cross boundaries. */
export async function* bytes(input: string | Buffer, chunkSize = 0): AsyncGenerator<Buffer> {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (chunkSize <= 0) {
    yield buf;
    return;
  }
  for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, i + chunkSize);
}

/** All items of a stream of batches, flattened. */
export async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of it) out.push(...batch);
  return out;
}
