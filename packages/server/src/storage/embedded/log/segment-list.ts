import type { ReadBufferPool } from './read-buffer-pool.ts';
import type { Segment, SegmentRead } from './segment.ts';

/** The segment whose base offset is the greatest at or below `offset` (segments sorted, non-empty). */
export function segmentFor(segments: readonly Segment[], offset: number): Segment {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (segments[mid]!.baseOffset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return segments[lo]!;
}

/**
 * Whole batches from the one holding `offset` on, moving to later segments when compaction left
 * nothing at or after it in the first one; null when no record at or after `offset` exists. Each
 * segment is held while read, so retention or compaction can swap it out meanwhile.
 */
export async function readSegments(
  segments: readonly Segment[],
  offset: number,
  maxBytes: number,
  verify: boolean,
  interval: number,
  pool: ReadBufferPool,
): Promise<SegmentRead | null> {
  let seg: Segment | undefined = segmentFor(segments, offset);
  while (seg !== undefined) {
    seg.acquire();
    let r: SegmentRead | null;
    try {
      r = await seg.read(offset, maxBytes, verify, interval, pool);
    } finally {
      seg.release();
    }
    if (r !== null) return r;
    const base: number = seg.baseOffset;
    seg = segments.find((s) => s.baseOffset > base);
  }
  return null;
}

/** The first offset whose record timestamp is >= `timestamp`, or null when there is none. */
export async function offsetForTimestampIn(
  segments: readonly Segment[],
  timestamp: number,
): Promise<number | null> {
  for (const seg of segments) {
    if (seg.maxTimestamp < timestamp) continue;
    seg.acquire();
    try {
      const found = await seg.findTimestamp(timestamp);
      if (found !== null) return found;
    } finally {
      seg.release();
    }
  }
  return null;
}
