import { partitionForKey } from '@switchyard/protocol';

/**
 * Picks partitions for produced records: keyed records by Kafka's murmur2 (the same partition any
 * Kafka client picks), keyless records stick to one partition until its batch is sealed and then
 * move to the next, so they fill whole batches instead of many small ones.
 */
export class PartitionChooser {
  #count: number;
  #sticky: number;

  constructor(count: number, start = 0) {
    this.#count = checkCount(count);
    this.#sticky = start % this.#count;
  }

  /** The partition count choices are made over. */
  get count(): number {
    return this.#count;
  }

  /** Adopts a new partition count (partitions only grow; keyed choices follow the new count). */
  set count(count: number) {
    this.#count = checkCount(count);
    if (this.#sticky >= this.#count) this.#sticky = 0;
  }

  /** The partition of a keyed record. */
  forKey(key: Uint8Array): number {
    return partitionForKey(key, this.#count);
  }

  /** The current partition for keyless records. */
  sticky(): number {
    return this.#sticky;
  }

  /** Moves keyless records on when the batch of their partition was sealed. */
  sealed(partition: number): void {
    if (partition === this.#sticky) this.#sticky = (this.#sticky + 1) % this.#count;
  }
}

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`partition count must be a positive integer, got ${count}`);
  return count;
}
