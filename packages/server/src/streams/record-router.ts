import type { RecordInput } from '@switchyard/protocol';
import { partitionForKey, syError } from '@switchyard/protocol';

/** A record as a face hands it to the core: bytes already validated, no partition chosen yet. */
export interface IncomingRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Uint8Array | null }[] | null;
  partition: number | undefined;
  timestamp: number | undefined;
}

/** Records grouped by the partition they go to, with each input record's index. */
export interface RoutedRecords {
  partitions: number[];
  records: RecordInput[][];
  /** For input record i: its partition slot in `partitions` and its position in that slot. */
  slotOf: Int32Array;
  indexInSlot: Int32Array;
}

/**
 * Assigns each record a partition: explicit partition, else Kafka murmur2 of the key, else the
 * request's sticky partition (all keyless records of one request go to one partition, as Kafka's
 * sticky partitioner does per batch).
 */
export function routeRecords(
  stream: string,
  input: readonly IncomingRecord[],
  partitionCount: number,
  stickyPartition: number,
): RoutedRecords {
  const slotByPartition = new Int32Array(partitionCount).fill(-1);
  const partitions: number[] = [];
  const records: RecordInput[][] = [];
  const slotOf = new Int32Array(input.length);
  const indexInSlot = new Int32Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const r = input[i]!;
    let p: number;
    if (r.partition !== undefined) {
      if (r.partition >= partitionCount) {
        throw syError('SY_ERR_PARTITION_INVALID', {
          stream,
          partition: r.partition,
          partitions: partitionCount,
          max: partitionCount - 1,
          index: i,
        });
      }
      p = r.partition;
    } else if (r.key !== null) {
      p = partitionForKey(r.key, partitionCount);
    } else {
      p = stickyPartition;
    }
    let slot = slotByPartition[p]!;
    if (slot < 0) {
      slot = partitions.length;
      slotByPartition[p] = slot;
      partitions.push(p);
      records.push([]);
    }
    const list = records[slot]!;
    slotOf[i] = slot;
    indexInSlot[i] = list.length;
    list.push(r.timestamp === undefined ? { key: r.key, value: r.value, headers: r.headers } : r);
  }
  return { partitions, records, slotOf, indexInSlot };
}
