import type { JoinGroupRequest, TopicPartition } from '@switchyard/protocol';
import type { ConsumedRecord } from './fetch-decoder.ts';

/** Consumer settings. A group consumer needs `group` and `streams`; without a group give `streams` or `partitions`. */
export interface ConsumerOptions {
  /** Consumer group: partitions are shared among its members and offsets committed. */
  group?: string;
  /** Streams to consume (all their partitions, or the group's share of them). */
  streams?: string[];
  /** Without a group: exactly these partitions. */
  partitions?: TopicPartition[];
  /** Where to start a partition with no committed offset; default 'earliest'. */
  from?: 'earliest' | 'latest' | Date;
  /** Commit processed offsets every `autoCommitIntervalMs`, on revocation and on close; default true. */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /** Long-poll wait when no records are there (ms); default 500. */
  maxWaitMs?: number;
  /** Byte budget of one fetch; the server's default when absent. */
  maxBytes?: number;
  strategy?: JoinGroupRequest['strategy'];
  sessionTimeoutMs?: number;
  clientId?: string;
  /**
   * Partitions newly assigned, once their start is known and before the first fetch: `seek` here
   * to start elsewhere. Awaited; called between fetches, never during a handler.
   */
  onPartitionsAssigned?: (partitions: TopicPartition[]) => unknown;
  /**
   * Partitions about to be given up (a cooperative revocation, or `close`), after their last
   * record was handled and before they are committed and released: flush state or `commit()` here.
   * Awaited; a throw stops the consumer.
   */
  onPartitionsRevoked?: (partitions: TopicPartition[]) => unknown;
  /** Partitions taken away without a chance to commit (the membership ended); their uncommitted work is consumed again elsewhere. */
  onPartitionsLost?: (partitions: TopicPartition[]) => unknown;
}

/** The records of one partition from one fetch. */
export interface ConsumedBatch {
  stream: string;
  partition: number;
  records: ConsumedRecord[];
  /** The partition's end offset when fetched; `highWatermark - lastOffset - 1` is the lag. */
  highWatermark: number;
}

/** Handlers for `run`: one per record (processed when it returns) or one per batch. */
export interface RunHandlers {
  eachRecord?: (record: ConsumedRecord) => unknown;
  eachBatch?: (batch: ConsumedBatch) => unknown;
}
