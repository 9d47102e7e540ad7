import type { TopicPartition } from '@switchyard/protocol';
import type { ConsumerOptions } from './consumer-options.ts';
import type { HeldPartition, HeldPartitions } from './held-partitions.ts';
import type { OffsetCommitter } from './offset-committer.ts';

/** The application's callbacks for partitions coming and going. */
export type PartitionCallbacks = Pick<
  ConsumerOptions,
  'onPartitionsAssigned' | 'onPartitionsRevoked' | 'onPartitionsLost'
>;

const partitionsOf = (list: readonly HeldPartition[]): TopicPartition[] =>
  list.map(({ stream, partition }) => ({ stream, partition }));

/**
 * What happens when partitions come and go: the application hears of new partitions once they
 * have a start, and of partitions it gives up before they are committed and released (as Kafka's
 * ConsumerRebalanceListener). Runs between fetches, never during a handler.
 */
export class PartitionLifecycle {
  readonly #held: HeldPartitions;
  readonly #callbacks: PartitionCallbacks;

  constructor(held: HeldPartitions, callbacks: PartitionCallbacks) {
    this.#held = held;
    this.#callbacks = callbacks;
  }

  /** Tells the application of held partitions it has not heard of (call once they all have a start). */
  async announce(): Promise<void> {
    const fresh = this.#held.all().filter((h) => !h.announced && !h.revoked);
    for (const h of fresh) h.announced = true;
    if (fresh.length > 0) await this.#callbacks.onPartitionsAssigned?.(partitionsOf(fresh));
  }

  /**
   * Tells the application, then commits what it processed (not for lost partitions) and releases
   * them; they are released even when a callback throws, and the throw goes on.
   */
  async revoke(list: HeldPartition[], committer: OffsetCommitter | undefined): Promise<void> {
    const lost = list.filter((h) => h.lost);
    const kept = list.filter((h) => !h.lost && h.announced);
    try {
      if (lost.length > 0) await this.#callbacks.onPartitionsLost?.(partitionsOf(lost));
      if (kept.length > 0) await this.#callbacks.onPartitionsRevoked?.(partitionsOf(kept));
    } finally {
      // A failed commit leaves the work to be consumed again by the next owner (at least once).
      if (committer?.auto) await committer.commit(list).catch(() => {});
      this.#held.release(list);
    }
  }
}
