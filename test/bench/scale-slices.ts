import type { IngestRecordInput } from '../../lib/ingest/record';

const DAY_MS = 86_400_000;

export type RecordSlice = { index: number; records: Iterable<IngestRecordInput> };

/**
 * Cuts one stream of demo records (rollout start order) into consecutive slices of `sliceDays` days
 * from `rangeStart` (epoch ms), by the start of each rollout's first record, so a rollout is never
 * split. Lazy: a slice's records are pulled from the stream as its consumer reads them, and what a
 * consumer leaves unread is skipped when the next slice is asked for. The concatenated slices are the
 * stream itself, so building slice by slice gives the same data as one generation of the whole range.
 */
export function* sliceRecords(records: Iterable<IngestRecordInput>, opts: { rangeStart: number; sliceDays: number }): Generator<RecordSlice> {
  const it = records[Symbol.iterator]();
  let head = it.next();
  let rollout: string | null = null;
  let headSlice = 0;
  const sliceOfHead = (record: IngestRecordInput): number => {
    if (record.rollout !== rollout) {
      rollout = record.rollout;
      headSlice = Math.floor((Date.parse(record.startedAt) - opts.rangeStart) / (opts.sliceDays * DAY_MS));
    }
    return headSlice;
  };
  function* take(index: number): Generator<IngestRecordInput> {
    while (!head.done && sliceOfHead(head.value) === index) {
      const record = head.value;
      head = it.next();
      yield record;
    }
  }
  while (!head.done) {
    const index = sliceOfHead(head.value);
    yield { index, records: take(index) };
    for (const _ of take(index));
  }
}
