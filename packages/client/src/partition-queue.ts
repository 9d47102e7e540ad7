import type { ProducerBatch } from './producer-batch.ts';

/** Who numbers the batches: an idempotent producer's id and epoch (both -1 when not idempotent). */
export interface ProducerIdentity {
  producerId: number;
  epoch: number;
}

const NO_IDENTITY: ProducerIdentity = { producerId: -1, epoch: -1 };

const sameIdentity = (a: ProducerIdentity, b: ProducerIdentity): boolean =>
  a.producerId === b.producerId && a.epoch === b.epoch;

/**
 * The sealed, unacknowledged batches of one partition in sequence order, and the sequence numbers
 * of an idempotent producer. Up to `pipeline` batches may be in flight; after a failure the
 * partition recovers by sending only its oldest batch until that is acknowledged, so the server
 * sees the sequences in order again.
 */
export class PartitionQueue {
  readonly batches: ProducerBatch[] = [];
  /** The base sequence of the next batch to be sent the first time. */
  nextSequence = 0;
  /** The identity `nextSequence` belongs to. */
  producerId = -1;
  epoch = -1;
  inFlight = 0;
  recovering = false;
  #pipeline: number;

  /** `pipeline`: batches of this partition that may be in flight at once. */
  constructor(pipeline = 1) {
    this.#pipeline = pipeline;
  }

  /** Appends a sealed batch. */
  push(batch: ProducerBatch): void {
    this.batches.push(batch);
  }

  /**
   * The batch to send next, if one may go now: the oldest that is not in flight. Under a new
   * `identity`, the first new batch waits until every batch numbered under the old one is settled,
   * so the partition never has two identities' batches racing.
   */
  next(now: number, identity: ProducerIdentity = NO_IDENTITY): ProducerBatch | undefined {
    if (this.inFlight >= (this.recovering ? 1 : this.#pipeline)) return undefined;
    const b = this.batches[this.inFlight];
    // Batches in flight always precede the ones waiting, so index `inFlight` is the oldest waiting.
    if (b === undefined || b.inFlight || b.notBefore > now || this.#blocked(b, identity)) return undefined;
    return b;
  }

  /** The earliest time a waiting batch may be resent, or Infinity. */
  nextRetryAt(identity: ProducerIdentity = NO_IDENTITY): number {
    const b = this.batches[this.inFlight];
    return b === undefined || b.inFlight || this.#blocked(b, identity)
      ? Number.POSITIVE_INFINITY
      : b.notBefore;
  }

  /** Marks a batch as sent, giving it its sequence (under `identity`) on its first send. */
  sent(batch: ProducerBatch, now: number, identity: ProducerIdentity = NO_IDENTITY): void {
    if (batch.baseSequence < 0) {
      if (!sameIdentity(this, identity)) {
        this.producerId = identity.producerId;
        this.epoch = identity.epoch;
        this.nextSequence = 0;
      }
      batch.renumber(this.nextSequence, this.producerId, this.epoch);
      this.nextSequence += batch.records.length;
    }
    if (batch.firstSentAt === 0) batch.firstSentAt = now;
    batch.inFlight = true;
    batch.staleSequence = false;
    this.inFlight++;
  }

  /** The server stored the batch (or had stored it: a duplicate). */
  acked(batch: ProducerBatch): void {
    this.#landed(batch);
    const i = this.batches.indexOf(batch);
    if (i >= 0) this.batches.splice(i, 1);
    if (batch.attempts > 0) this.recovering = false;
  }

  /** The send failed in a way a resend may fix; it goes back in line at its place. */
  requeue(batch: ProducerBatch, notBefore: number): void {
    this.#landed(batch);
    batch.attempts++;
    batch.notBefore = notBefore;
    this.recovering = true;
    // Keep "in-flight batches first": a batch that came back moves before later ones still out.
    const i = this.batches.indexOf(batch);
    if (i >= 0) {
      this.batches.splice(i, 1);
      let at = 0;
      while (at < this.batches.length && this.batches[at]!.inFlight) at++;
      let j = at;
      while (j < this.batches.length && sequenceOf(this.batches[j]!) < batch.baseSequence) j++;
      this.batches.splice(j, 0, batch);
    }
  }

  /**
   * The server refused the batch and stored none of it: it leaves the queue and later batches take
   * over its sequence numbers, so the sequence has no hole.
   */
  rejected(batch: ProducerBatch): void {
    this.#landed(batch);
    const i = this.batches.indexOf(batch);
    if (i >= 0) this.batches.splice(i, 1);
    if (batch.baseSequence < 0) return;
    const count = batch.records.length;
    for (const b of this.batches)
      if (sameIdentity(b, batch) && b.baseSequence > batch.baseSequence) b.renumber(b.baseSequence - count);
    if (sameIdentity(this, batch)) this.nextSequence -= count;
    this.recovering = this.batches.some((b) => b.attempts > 0);
  }

  /** True when a sequence-gap answer for `batch` is expected: an older batch is unacknowledged or its sequence moved. */
  explainsGap(batch: ProducerBatch): boolean {
    if (batch.staleSequence) return true;
    return this.batches.some(
      (b) =>
        b !== batch && b.baseSequence >= 0 && sameIdentity(b, batch) && b.baseSequence < batch.baseSequence,
    );
  }

  /**
   * The server holds nothing of `batch` and what follows it (it no longer knows the producer, or a
   * newer epoch fenced it): number it and every later numbered batch afresh from 0 under
   * `identity`, in their order. Only for the oldest numbered batch (`explainsGap` is false).
   */
  restart(batch: ProducerBatch, identity: ProducerIdentity): void {
    const later = this.batches
      .filter((b) => b !== batch && b.baseSequence >= 0)
      .sort((a, b) => a.baseSequence - b.baseSequence);
    this.producerId = identity.producerId;
    this.epoch = identity.epoch;
    let seq = 0;
    for (const b of [batch, ...later]) {
      b.renumber(seq, identity.producerId, identity.epoch);
      seq += b.records.length;
    }
    this.nextSequence = seq;
  }

  /** An unnumbered batch waits while batches numbered under an older identity are unsettled. */
  #blocked(b: ProducerBatch, identity: ProducerIdentity): boolean {
    return (
      b.baseSequence < 0 && !sameIdentity(this, identity) && this.batches.some((x) => x.baseSequence >= 0)
    );
  }

  #landed(batch: ProducerBatch): void {
    if (batch.inFlight) {
      batch.inFlight = false;
      this.inFlight--;
    }
  }
}

/** A batch's place in line: never-sent batches come after every numbered one. */
function sequenceOf(b: ProducerBatch): number {
  return b.baseSequence < 0 ? Number.POSITIVE_INFINITY : b.baseSequence;
}
