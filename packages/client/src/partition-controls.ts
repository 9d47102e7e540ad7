import type { TopicPartition } from '@switchyard/protocol';
import { type HeldPartition, type HeldPartitions, partitionKey } from './held-partitions.ts';

/** A position to move a partition's consumption to (`seek`). */
export interface SeekPosition extends TopicPartition {
  /** The next offset to read. */
  offset: number;
}

function checkPartition(tp: TopicPartition, what: string): void {
  if (typeof tp?.stream !== 'string' || !Number.isInteger(tp.partition) || tp.partition < 0)
    throw new TypeError(`${what} needs { stream, partition } with a partition >= 0`);
}

/**
 * What the application asked of single partitions: which are paused, and where a partition should
 * be read from next (a seek). Both are kept by partition, whether the consumer holds it now or not:
 * a pause lasts until `resume`, a seek of a partition not held yet applies when it is assigned.
 */
export class PartitionControls {
  readonly #paused = new Map<string, TopicPartition>();
  readonly #seeks = new Map<string, number>();
  readonly #held: HeldPartitions;

  constructor(held: HeldPartitions) {
    this.#held = held;
  }

  /** Stops fetching these partitions until `resume`. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) checkPartition(tp, 'pause');
    for (const { stream, partition } of partitions)
      this.#paused.set(partitionKey(stream, partition), { stream, partition });
  }

  /** Fetches these partitions again. */
  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) checkPartition(tp, 'resume');
    for (const tp of partitions) this.#paused.delete(partitionKey(tp.stream, tp.partition));
  }

  /** The partitions paused now. */
  paused(): TopicPartition[] {
    return [...this.#paused.values()].map(({ stream, partition }) => ({ stream, partition }));
  }

  /** True when the partition is paused. */
  isPaused(h: HeldPartition): boolean {
    return this.#paused.has(h.key);
  }

  /**
   * Moves a partition to `offset`: a held partition at once (the records fetched but not yet
   * handled are dropped, and the offset is what the next commit stores), any other when assigned.
   */
  seek(position: SeekPosition): void {
    checkPartition(position, 'seek');
    if (!Number.isSafeInteger(position.offset) || position.offset < 0)
      throw new TypeError(`seek needs an offset >= 0, got ${position.offset}`);
    const h = this.#held.get(position.stream, position.partition);
    if (h === undefined || h.revoked) {
      this.#seeks.set(partitionKey(position.stream, position.partition), position.offset);
      return;
    }
    moveTo(h, position.offset);
  }

  /** Applies the seeks waiting for partitions that are held now. */
  applyPendingSeeks(): void {
    for (const [key, offset] of this.#seeks) {
      const [stream, partition] = splitKey(key);
      const h = this.#held.get(stream, partition);
      if (h === undefined || h.revoked) continue;
      moveTo(h, offset);
      this.#seeks.delete(key);
    }
  }
}

function moveTo(h: HeldPartition, offset: number): void {
  h.fetchOffset = offset;
  h.processed = offset;
  h.moves += 1;
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf('/');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}
