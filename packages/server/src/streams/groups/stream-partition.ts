/** One partition of one stream. */
export interface StreamPartition {
  readonly stream: string;
  readonly partition: number;
}

/** The assignment strategies a consumer group can use. */
export const STRATEGIES = ['range', 'roundrobin', 'cooperative-sticky'] as const;

/** The name of an assignment strategy. */
export type AssignmentStrategy = (typeof STRATEGIES)[number];

/** True when `value` names a known strategy. */
export function isStrategy(value: unknown): value is AssignmentStrategy {
  return typeof value === 'string' && (STRATEGIES as readonly string[]).includes(value);
}

/** Orders strings by code unit, the same on every machine (unlike localeCompare). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders partitions by stream name, then partition number. */
export function comparePartitions(a: StreamPartition, b: StreamPartition): number {
  return compareStrings(a.stream, b.stream) || a.partition - b.partition;
}

/** A map key for a partition, `stream/partition` (stream names never contain `/`). */
export function partitionKey(stream: string, partition: number): string {
  return `${stream}/${partition}`;
}

/** Reverses `partitionKey`. */
export function parsePartitionKey(key: string): StreamPartition {
  const slash = key.lastIndexOf('/');
  return { stream: key.slice(0, slash), partition: Number(key.slice(slash + 1)) };
}

/** Sorted partitions from a collection of partition keys. */
export function partitionsFromKeys(keys: Iterable<string>): StreamPartition[] {
  return [...keys].map(parsePartitionKey).sort(comparePartitions);
}
