/**
 * Idempotent-producer state of one partition, shared by the storage adapters: which batches each
 * producer has stored (the last five), its epoch, and when it was last seen.
 */
import { type BatchHeader, syError } from '@switchyard/protocol';

/** Batches remembered per producer for deduplication (Kafka's NumBatchesToRetain). */
export const BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 2147483647;

/** Sequence range and offsets of one stored idempotent batch. */
export interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

/** What a partition remembers of one idempotent producer. */
export interface ProducerEntry {
  epoch: number;
  /** Wall-clock ms of its last append, for expiry. */
  lastAppend: number;
  /** The last few batches, oldest first. */
  batches: BatchMeta[];
}

function lastSequence(h: BatchHeader): number {
  const last = h.baseSequence + h.lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/**
 * Idempotent-producer state of one partition (Kafka §5.4): per producer id the epoch and the last
 * five batches. Changes are journaled so an append that fails before it is durable can be undone.
 */
export class ProducerStateTable {
  readonly #entries = new Map<number, ProducerEntry>();
  #journal: [number, ProducerEntry | undefined][] = [];
  #journalBase = 0;

  /** Number of producers known. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Checks one batch against the state: the stored batch it duplicates, or null when it is new and
   * in order. Throws `SY_ERR_PRODUCER_UNKNOWN` (an unknown producer not at sequence 0),
   * `SY_ERR_PRODUCER_FENCED` or `SY_ERR_PRODUCER_SEQUENCE_GAP`.
   */
  check(h: BatchHeader, partition: number): BatchMeta | null {
    const entry = this.#entries.get(h.producerId);
    if (entry === undefined) {
      // As Kafka: a producer this partition does not know must start at sequence 0. Accepting any
      // sequence would store a pipelined later batch first and then refuse the real first one.
      if (h.baseSequence === 0) return null;
      throw syError('SY_ERR_PRODUCER_UNKNOWN', {
        producerId: h.producerId,
        sequence: h.baseSequence,
        partition,
      });
    }
    if (h.producerEpoch < entry.epoch) {
      throw syError('SY_ERR_PRODUCER_FENCED', {
        producerId: h.producerId,
        epoch: h.producerEpoch,
        current: entry.epoch,
      });
    }
    if (h.producerEpoch > entry.epoch) {
      if (h.baseSequence === 0) return null;
      throw syError('SY_ERR_PRODUCER_SEQUENCE_GAP', {
        producerId: h.producerId,
        sequence: h.baseSequence,
        partition,
        expected: 0,
      });
    }
    const last = lastSequence(h);
    for (const b of entry.batches) if (b.firstSeq === h.baseSequence && b.lastSeq === last) return b;
    const newest = entry.batches[entry.batches.length - 1];
    if (newest === undefined || h.baseSequence === nextSequence(newest.lastSeq)) return null;
    throw syError('SY_ERR_PRODUCER_SEQUENCE_GAP', {
      producerId: h.producerId,
      sequence: h.baseSequence,
      partition,
      expected: nextSequence(newest.lastSeq),
    });
  }

  /** Records a new batch stored at `firstOffset` (journaled until `release`). */
  record(h: BatchHeader, firstOffset: number, now: number): void {
    const old = this.#entries.get(h.producerId);
    this.#journal.push([
      h.producerId,
      old === undefined ? undefined : { ...old, batches: old.batches.slice() },
    ]);
    this.apply(h, firstOffset, now);
  }

  /** Records a batch without journaling (replay on open). */
  apply(h: BatchHeader, firstOffset: number, now: number): void {
    let entry = this.#entries.get(h.producerId);
    if (entry === undefined || entry.epoch !== h.producerEpoch) {
      entry = { epoch: h.producerEpoch, lastAppend: now, batches: [] };
      this.#entries.set(h.producerId, entry);
    }
    entry.lastAppend = now;
    entry.batches.push({
      firstSeq: h.baseSequence,
      lastSeq: lastSequence(h),
      firstOffset,
      lastOffset: firstOffset + h.lastOffsetDelta,
    });
    if (entry.batches.length > BATCHES_PER_PRODUCER) entry.batches.shift();
  }

  /** A point to roll back to. */
  mark(): number {
    return this.#journalBase + this.#journal.length;
  }

  /** Undoes every change recorded after `mark` (released changes stay). */
  rollback(mark: number): void {
    while (this.#journal.length > 0 && this.#journalBase + this.#journal.length > mark) {
      const [pid, entry] = this.#journal.pop()!;
      if (entry === undefined) this.#entries.delete(pid);
      else this.#entries.set(pid, entry);
    }
  }

  /** Forgets the journal up to `mark` (those changes are durable). */
  release(mark: number): void {
    const n = Math.min(mark - this.#journalBase, this.#journal.length);
    if (n <= 0) return;
    this.#journal = this.#journal.slice(n);
    this.#journalBase += n;
  }

  /** Removes producers idle since before `now - expirationMs`. */
  expire(now: number, expirationMs: number): void {
    for (const [pid, entry] of this.#entries)
      if (entry.lastAppend < now - expirationMs) this.#entries.delete(pid);
  }

  /** Snapshot file bytes: the state as of `offset`. */
  encode(offset: number): Buffer {
    const producers = [...this.#entries].map(([pid, e]) => [
      pid,
      e.epoch,
      e.lastAppend,
      e.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset]),
    ]);
    return Buffer.from(JSON.stringify({ version: 1, offset, producers }));
  }

  /** Replaces the state with a snapshot; returns its offset. Throws on a malformed snapshot. */
  load(bytes: Buffer): number {
    const snap = JSON.parse(bytes.toString('utf8')) as {
      version: number;
      offset: number;
      producers: [number, number, number, [number, number, number, number][]][];
    };
    if (snap.version !== 1 || !Number.isInteger(snap.offset)) throw new Error('unknown snapshot format');
    this.#entries.clear();
    for (const [pid, epoch, lastAppend, batches] of snap.producers) {
      this.#entries.set(pid, {
        epoch,
        lastAppend,
        batches: batches.map(([firstSeq, lastSeq, firstOffset, lastOffset]) => ({
          firstSeq,
          lastSeq,
          firstOffset,
          lastOffset,
        })),
      });
    }
    return snap.offset;
  }

  /** Drops batches at or after `offset` (after a truncation); producers left with none are forgotten. */
  truncateFrom(offset: number): void {
    for (const [pid, entry] of this.#entries) {
      entry.batches = entry.batches.filter((b) => b.lastOffset < offset);
      if (entry.batches.length === 0) this.#entries.delete(pid);
    }
  }
}
