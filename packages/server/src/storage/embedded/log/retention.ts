import type { PartitionLogConfig } from '../../log-store.ts';
import type { Segment } from './segment.ts';

/**
 * The oldest segments that retention deletes now, in order: whole segments only, never the active
 * one. By time: while a segment's newest record is older than `retentionMs`. By size: while the
 * partition would still hold at least `retentionBytes` without the segment (Kafka's rule).
 */
export function segmentsToDelete(
  segments: readonly Segment[],
  config: PartitionLogConfig,
  now: number,
): Segment[] {
  const out: Segment[] = [];
  const sealed = segments.length - 1;
  let i = 0;
  if (config.retentionMs !== null) {
    const cutoff = now - config.retentionMs;
    while (i < sealed && segments[i]!.maxTimestamp < cutoff) out.push(segments[i++]!);
  }
  if (config.retentionBytes !== null) {
    let size = 0;
    for (let j = i; j < segments.length; j++) size += segments[j]!.size;
    while (i < sealed && size - segments[i]!.size >= config.retentionBytes) {
      size -= segments[i]!.size;
      out.push(segments[i++]!);
    }
  }
  return out;
}
