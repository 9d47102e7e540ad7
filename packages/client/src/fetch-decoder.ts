import { BATCH_LOG_OVERHEAD, type FetchFrame, forEachRecord, type RecordHeader } from '@switchyard/protocol';

/** A record as a consumer receives it. Key, value and header values are views into the fetched bytes. */
export interface ConsumedRecord {
  stream: string;
  partition: number;
  offset: number;
  /** Create time, ms since the epoch. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * The records of one fetch frame from `fromOffset` on. A read starts at a batch boundary, so the
 * first batch may hold records below the requested offset; they are skipped. A batch cut short at
 * the end of the frame is left for the next fetch.
 */
export function recordsFrom(frame: FetchFrame, fromOffset: number): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  const buf = frame.batches;
  const { stream, partition } = frame;
  let pos = 0;
  while (pos + BATCH_LOG_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD;
    if (pos + size > buf.length) break;
    forEachRecord(buf, pos, (r) => {
      if (r.offset >= fromOffset) {
        out.push({
          stream,
          partition,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
          headers: r.headers,
        });
      }
    });
    pos += size;
  }
  return out;
}

/** Where to fetch next after a frame: past its last record, or the server's `nextOffset`, never backwards. */
export function nextFetchOffset(
  frame: FetchFrame,
  fromOffset: number,
  records: readonly ConsumedRecord[],
): number {
  const last = records.at(-1);
  return Math.max(fromOffset, frame.nextOffset, last === undefined ? 0 : last.offset + 1);
}
