import type { PartitionLogConfig } from '../../log-store.ts';
import type { Segment } from './segment.ts';

/**
 * True when retention by time takes every record of `seg`: its newest record is older than
 * `retentionMs`, and the cleanup policy includes `delete` (a compact-only stream keeps the latest
 * record of every key however old, as in Kafka).
 */
export function expiredByTime(seg: Segment, config: PartitionLogConfig, now: number): boolean {
  return (
    config.cleanupPolicy.includes('delete') &&
    config.retentionMs !== null &&
    seg.maxTimestamp < now - config.retentionMs
  );
}

/**
 * The oldest segments that retention deletes now, in order: whole segments only, never the active
 * one, and none unless the cleanup policy includes `delete`. By time: while a segment is
 * `expiredByTime`. By size: while the partition would still hold at least `retentionBytes` without
 * the segment (Kafka's rule).
 */
export function segmentsToDelete(
  segments: readonly Segment[],
  config: PartitionLogConfig,
  now: number,
): Segment[] {
  const out: Segment[] = [];
  if (!config.cleanupPolicy.includes('delete')) return out;
  const sealed = segments.length - 1;
  let i = 0;
  while (i < sealed && expiredByTime(segments[i]!, config, now)) out.push(segments[i++]!);
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
