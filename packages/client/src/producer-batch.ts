import { encodeRecordBatch, type RecordInput } from '@switchyard/protocol';

/**
 * Records bound for one partition, sent as one RecordBatch. It carries the one promise its
 * records share: it resolves with the base offset, and record `i` landed at `baseOffset + i`.
 */
export class ProducerBatch {
  readonly partition: number;
  readonly records: RecordInput[] = [];
  readonly createdAt: number;
  /** Estimated encoded size. */
  bytes = 0;
  /** Assigned when first sent (idempotent producers); -1 before. */
  baseSequence = -1;
  /** The producer id and epoch its sequence belongs to; -1 before it is numbered or when not idempotent. */
  producerId = -1;
  epoch = -1;
  /** Failed sends so far. */
  attempts = 0;
  /** When it was first sent (ms), for the delivery timeout; 0 before. */
  firstSentAt = 0;
  /** Not to be resent before this time (ms). */
  notBefore = 0;
  inFlight = false;
  /** Its sequence changed while it was in flight, so that copy is bound to be answered with a gap. */
  staleSequence = false;
  /** Send it in a request of its own (after a failure that named no batch). */
  solo = false;
  readonly promise: Promise<number>;
  #encoded: Buffer | null = null;
  #resolve!: (baseOffset: number) => void;
  #reject!: (err: unknown) => void;

  constructor(partition: number, now: number) {
    this.partition = partition;
    this.createdAt = now;
    this.promise = new Promise<number>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Callers attach handlers later (or never, for fire-and-forget); a failure must not crash the process.
    this.promise.catch(() => {});
  }

  /** Adds a record; answers its index in the batch. */
  add(record: RecordInput, size: number): number {
    this.records.push(record);
    this.bytes += size;
    return this.records.length - 1;
  }

  /** The batch bytes under its producer identity and sequence, encoded once per numbering. */
  encode(): Buffer {
    this.#encoded ??= encodeRecordBatch(this.records, {
      producerId: this.producerId,
      producerEpoch: this.epoch,
      baseSequence: this.baseSequence,
      timestamp: this.createdAt,
    });
    return this.#encoded;
  }

  /** Moves the batch to a new base sequence (and identity); it is encoded again on its next send. */
  renumber(baseSequence: number, producerId = this.producerId, epoch = this.epoch): void {
    this.baseSequence = baseSequence;
    this.producerId = producerId;
    this.epoch = epoch;
    this.#encoded = null;
    if (this.inFlight) this.staleSequence = true;
  }

  /** Resolves every record of the batch. */
  settle(baseOffset: number): void {
    this.#resolve(baseOffset);
  }

  /** Rejects every record of the batch. */
  fail(err: unknown): void {
    this.#reject(err);
  }
}
