import type { ProducedRange, ProduceResponse } from '@switchyard/protocol';

/**
 * A produce answer as the idempotency store keeps it. `offsets[i]` is not stored record by
 * record: the router fills each partition's range in request order, so the list of partitions
 * (run-length encoded) is enough to rebuild it. A 10,000-record answer to one partition is a
 * few bytes instead of ~300 KB of JSON.
 */
export interface StoredAnswer {
  /** The answer's ranges as sent. */
  r: ProducedRange[];
  /** `[partition, count, partition, count, …]` for `offsets`, absent when the answer had none. */
  p?: number[];
}

/** Packs an answer; an answer whose `offsets` do not follow its ranges is returned whole. */
export function packAnswer(answer: ProduceResponse): StoredAnswer | ProduceResponse {
  if (answer.offsets === undefined) return { r: answer.ranges };
  const runs: number[] = [];
  for (const o of answer.offsets) {
    const last = runs.length - 2;
    if (last >= 0 && runs[last] === o.partition) runs[last + 1]! += 1;
    else runs.push(o.partition, 1);
  }
  const packed: StoredAnswer = { r: answer.ranges, p: runs };
  return sameAnswer(unpackAnswer(packed), answer) ? packed : answer;
}

/** Rebuilds the answer `packAnswer` stored (a whole answer passes through). */
export function unpackAnswer(stored: StoredAnswer | ProduceResponse): ProduceResponse {
  if ('ranges' in stored) return stored;
  if (stored.p === undefined) return { ranges: stored.r };
  const next = new Map<number, number>();
  for (const range of stored.r) if (!next.has(range.partition)) next.set(range.partition, range.baseOffset);
  const offsets: { partition: number; offset: number }[] = [];
  for (let i = 0; i + 1 < stored.p.length; i += 2) {
    const partition = stored.p[i]!;
    let offset = next.get(partition) ?? 0;
    for (let n = stored.p[i + 1]!; n > 0; n--) offsets.push({ partition, offset: offset++ });
    next.set(partition, offset);
  }
  return { ranges: stored.r, offsets };
}

function sameAnswer(a: ProduceResponse, b: ProduceResponse): boolean {
  const x = a.offsets ?? [];
  const y = b.offsets ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    if (x[i]!.partition !== y[i]!.partition || x[i]!.offset !== y[i]!.offset) return false;
  }
  return true;
}
