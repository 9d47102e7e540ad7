/**
 * The storage port for partitioned logs. The core sees only these interfaces; the embedded
 * engine (`embedded/log/`) and the JetStream adapter (`jetstream/`) implement them, and both run
 * the contract suite in `contract/log-contract.ts`.
 *
 * Records travel as Kafka RecordBatch v2 bytes (see `@switchyard/protocol` record-batch): the
 * format a producer sends, the format stored, the format a binary fetch returns.
 */

/** How a partition log forgets old data. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** When an append counts as durable. `always`: fsync before acknowledging (default). */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/** Settings of one partition's log; all durations in milliseconds. */
export interface PartitionLogConfig {
  /** Roll to a new segment once the active one reaches this size. */
  segmentBytes: number;
  /**
   * Roll once the active segment's first record is this old (checked by `clean`), so retention and
   * compaction reach data of a slowly filling partition; null rolls by size only. Adapters that keep
   * no segments (JetStream) ignore it.
   */
  segmentMs: number | null;
  /** Delete whole segments whose newest record is older than this; null keeps forever. */
  retentionMs: number | null;
  /** Delete oldest whole segments while the partition is larger than this; null = no limit. */
  retentionBytes: number | null;
  /** `delete` (retention only), `compact` (latest record per key), or both. */
  cleanupPolicy: CleanupPolicy;
  /** How long a tombstone (key with null value) survives compaction. */
  deleteRetentionMs: number;
}

/** Result of one append. For a duplicate idempotent batch, the offsets first assigned to it. */
export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** Server time (ms) at which the batch was appended. */
  appendTime: number;
  /** True when the batch was a retry of one already stored (idempotent producer). */
  duplicate: boolean;
}

/** Options of one append. */
export interface AppendOptions {
  /**
   * The caller already ran `verifyBatches` on exactly these bytes (the core does, to reject a
   * multi-partition produce before any write): the adapter may skip checking CRCs and records again.
   */
  verified?: boolean;
}

/** Raw batches read from a partition. */
export interface ReadResult {
  /**
   * Whole record batches, in offset order. The first one contains the requested offset or is
   * the first batch after it, so records below the requested offset may be present: readers skip
   * them. Empty when nothing at or after the offset exists yet.
   */
  data: Buffer;
  /** Offset after the last record read (where the next read should start); equals the request when empty. */
  nextOffset: number;
  /** Offset of the next record to be written (log end offset; all below it are durable). */
  highWatermark: number;
  /** Lowest offset still stored. */
  logStartOffset: number;
  /**
   * When present, hands the memory under `data` back to the store for reuse: call it once no
   * byte of `data` is used any more (for example when the answer holding it has been written
   * out). Not calling it is always safe; calling it early lets a later read overwrite `data`.
   */
  release?: () => void;
}

/** One partition's append-only log. Appends are serialized by the implementation. */
export interface PartitionLog {
  /** Lowest offset still stored. */
  readonly startOffset: number;
  /** Offset the next appended record gets (log end offset). */
  readonly endOffset: number;
  /** Bytes stored for this partition. */
  readonly sizeBytes: number;

  /**
   * Appends one or more record batches (concatenated), assigning offsets from `endOffset` on;
   * resolves once durable by the fsync policy. All-or-nothing: a corrupt batch, a sequence gap or
   * a fenced epoch rejects the whole call and writes nothing. Batches with producerId >= 0 are
   * idempotent: a batch whose (producerId, epoch, baseSequence) was already stored resolves with
   * its original offsets and `duplicate: true`.
   */
  append(batches: Buffer, options?: AppendOptions): Promise<AppendResult>;

  /** Reads whole batches from `offset` on, up to about `maxBytes` (at least one batch if any). */
  read(offset: number, maxBytes: number): Promise<ReadResult>;

  /** The first offset whose record timestamp is >= `timestamp`, or `endOffset` if none. */
  offsetForTimestamp(timestamp: number): Promise<number>;

  /** Calls `listener` after each durable append; returns the function that unsubscribes. */
  onAppend(listener: () => void): () => void;

  /** Applies retention (and compaction when configured) now; resolves with the bytes freed. */
  clean(now: number): Promise<number>;

  /** Replaces the config (retention, segment size, cleanup policy) for later appends and cleans. */
  reconfigure(config: PartitionLogConfig): void;

  /** Flushes and releases files. */
  close(): Promise<void>;
}

/** Opens partition logs; one per (stream, partition). */
export interface LogStore {
  /** Opens (creating if absent) the log of one partition. Opening twice returns the same log. */
  open(stream: string, partition: number, config: PartitionLogConfig): Promise<PartitionLog>;
  /** Closes and deletes every partition of a stream. */
  drop(stream: string): Promise<void>;
  /** Closes every open log. */
  close(): Promise<void>;
}
