import {
  encodeProduceFrames,
  isSwitchyardError,
  MEDIA,
  PATHS,
  type ProduceResponse,
  type ProducerIdResponse,
  syError,
} from '@switchyard/protocol';
import { backoffDelay, type RetryOptions } from './backoff.ts';
import { isRetriable } from './errors.ts';
import type { HttpClient } from './http-client.ts';
import { PartitionQueue, type ProducerIdentity } from './partition-queue.ts';
import type { ProducerBatch } from './producer-batch.ts';

/** What the sender needs from its producer. */
export interface BatchSenderOptions {
  stream: string;
  idempotent: boolean;
  maxRequestBytes: number;
  maxInFlight: number;
  /** Batches of one partition in flight at once. */
  maxInFlightPerPartition: number;
  deliveryTimeoutMs: number;
  retry: RetryOptions;
  /** Called when the server says a partition does not exist, so the producer re-reads the count. */
  onPartitionInvalid: () => void;
  /** Gets a fresh producer id, after a newer epoch of the current one fenced it. */
  newProducerId: () => Promise<ProducerIdResponse>;
}

/**
 * Sends sealed batches as binary produce requests and applies the server's answers: settles
 * batches, resends what may succeed (keeping sequence numbers), isolates a refused batch,
 * re-initialises a partition's sequence when the server forgot the producer or fenced it, and
 * stops the producer on a fatal error.
 */
export class BatchSender implements ProducerIdentity {
  /** The producer's identity; -1 when not idempotent. */
  producerId = -1;
  epoch = -1;
  #http: HttpClient;
  #o: BatchSenderOptions;
  #queues = new Map<number, PartitionQueue>();
  #requests = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #idle: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  #fatal: unknown;
  /** A new producer id being fetched; nothing is sent meanwhile. */
  #renewing: Promise<void> | undefined;
  /** Batches fenced under the current identity, renumbered once the new one is known. */
  #fenced: ProducerBatch[] = [];

  constructor(http: HttpClient, options: BatchSenderOptions) {
    this.#http = http;
    this.#o = options;
  }

  /** The error that stopped the producer, if one did. */
  get fatal(): unknown {
    return this.#fatal;
  }

  /** Queues a sealed batch behind the others of its partition and sends what may go. */
  enqueue(b: ProducerBatch): void {
    if (this.#fatal !== undefined) {
      b.fail(this.#fatal);
      return;
    }
    let q = this.#queues.get(b.partition);
    if (q === undefined) {
      q = new PartitionQueue(this.#o.maxInFlightPerPartition);
      this.#queues.set(b.partition, q);
    }
    q.push(b);
    this.drain();
  }

  /** Resolves when nothing is queued or in flight; rejects with the fatal error if there was one. */
  whenIdle(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#idle.push({ resolve, reject });
      this.#checkIdle();
    });
  }

  /** Stops the retry timer. */
  stop(): void {
    clearTimeout(this.#retryTimer);
  }

  /** A fatal error: every queued batch fails with it, and so does every later one. */
  failAll(err: unknown, inHand: readonly ProducerBatch[] = []): void {
    this.#fatal ??= err;
    for (const b of inHand) b.fail(err);
    for (const q of this.#queues.values()) for (const b of q.batches.splice(0)) if (!b.inFlight) b.fail(err);
    this.#checkIdle();
  }

  /** Sends what may go now: per request at most one batch per partition, up to `maxInFlight` requests. */
  drain(): void {
    if (this.#fatal !== undefined || this.#renewing !== undefined) return;
    const now = Date.now();
    while (this.#requests < this.#o.maxInFlight) {
      const picked: ProducerBatch[] = [];
      let bytes = 0;
      for (const q of this.#queues.values()) {
        const b = q.next(now, this);
        if (b === undefined || (picked.length > 0 && (b.solo || bytes + b.bytes > this.#o.maxRequestBytes)))
          continue;
        picked.push(b);
        q.sent(b, now, this);
        bytes += b.bytes;
        if (b.solo) break;
      }
      if (picked.length === 0) break;
      this.#request(picked);
    }
    this.#armRetry();
  }

  #armRetry(): void {
    let at = Number.POSITIVE_INFINITY;
    for (const q of this.#queues.values()) at = Math.min(at, q.nextRetryAt(this));
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    if (at === Number.POSITIVE_INFINITY || this.#requests >= this.#o.maxInFlight) return;
    this.#retryTimer = setTimeout(() => this.drain(), Math.max(0, at - Date.now()));
  }

  #request(batches: ProducerBatch[]): void {
    this.#requests++;
    const frames = batches.map((b) => ({
      partition: b.partition,
      batches: b.encode(),
    }));
    this.#http
      .json<ProduceResponse>({
        method: 'POST',
        path: PATHS.records(this.#o.stream),
        body: encodeProduceFrames(frames),
        contentType: MEDIA.recordBatches,
        retry: { retries: 0 },
      })
      .then(
        (res) => this.#acked(batches, res),
        (err: unknown) => this.#failed(batches, err),
      )
      .finally(() => {
        this.#requests--;
        this.drain();
        this.#checkIdle();
      });
  }

  #acked(batches: ProducerBatch[], res: ProduceResponse): void {
    for (const b of batches) {
      this.#queues.get(b.partition)!.acked(b);
      const range = res.ranges.find((r) => r.partition === b.partition);
      if (range !== undefined) b.settle(range.baseOffset);
      else
        b.fail(
          syError('SY_ERR_SERVER_INTERNAL', {
            reason: `the produce answer has no range for partition ${b.partition}`,
          }),
        );
    }
  }

  #failed(batches: ProducerBatch[], err: unknown): void {
    const now = Date.now();
    const queue = (b: ProducerBatch) => this.#queues.get(b.partition) ?? new PartitionQueue();
    if (this.#fatal !== undefined) {
      for (const b of batches) b.fail(this.#fatal);
    } else if (isSwitchyardError(err, 'SY_ERR_PRODUCER_SEQUENCE_GAP')) {
      // Expected while an older batch of the partition is being resent; otherwise records were lost.
      if (batches.some((b) => queue(b).explainsGap(b))) for (const b of batches) queue(b).requeue(b, now);
      else this.failAll(err, batches);
    } else if (isRetriable(err)) {
      for (const b of batches) {
        if (b.attempts < this.#o.retry.retries && now - b.firstSentAt <= this.#o.deliveryTimeoutMs) {
          queue(b).requeue(b, now + backoffDelay(b.attempts, this.#o.retry));
        } else if (this.#o.idempotent) {
          // Whether the batch was stored is unknown, so later sequences cannot be trusted: stop.
          this.failAll(err, batches);
          return;
        } else {
          queue(b).rejected(b);
          b.fail(err);
        }
      }
    } else if (
      batches.length === 1 &&
      this.#o.idempotent &&
      (isSwitchyardError(err, 'SY_ERR_PRODUCER_UNKNOWN') || isSwitchyardError(err, 'SY_ERR_PRODUCER_FENCED'))
    ) {
      this.#reinitialise(batches[0]!, err, now);
    } else if (batches.length > 1) {
      // The answer does not say which batch was refused: resend each alone to find out.
      for (const b of batches) {
        b.solo = true;
        queue(b).requeue(b, now);
        b.attempts--;
      }
    } else {
      const b = batches[0]!;
      if (isSwitchyardError(err, 'SY_ERR_PARTITION_INVALID')) this.#o.onPartitionInvalid();
      queue(b).rejected(b);
      b.fail(err);
    }
  }

  /**
   * The server stored nothing of `b` and holds no later batch of its partition under its identity:
   * it forgot the producer (idle longer than the server's producer expiry) or a newer epoch of
   * its id wrote there. Kafka's idempotent producer resets its sequences then; so does this one,
   * per partition, and after a fence under a new producer id (the old one is no longer ours).
   */
  #reinitialise(b: ProducerBatch, err: unknown, now: number): void {
    const q = this.#queues.get(b.partition)!;
    q.requeue(b, now);
    // An older batch of the partition is still out, or this one was renumbered in flight: its turn comes.
    if (q.explainsGap(b)) return;
    const fencedNow =
      isSwitchyardError(err, 'SY_ERR_PRODUCER_FENCED') &&
      b.producerId === this.producerId &&
      b.epoch === this.epoch;
    if (!fencedNow) {
      q.restart(b, this);
      return;
    }
    this.#fenced.push(b);
    this.#renewing ??= this.#o
      .newProducerId()
      .then(
        (id) => {
          this.producerId = id.producerId;
          this.epoch = id.epoch;
          for (const f of this.#fenced.splice(0)) this.#queues.get(f.partition)!.restart(f, this);
        },
        (cause: unknown) => this.failAll(cause),
      )
      .finally(() => {
        this.#renewing = undefined;
        this.drain();
        this.#checkIdle();
      });
  }

  #checkIdle(): void {
    if (this.#requests > 0 || this.#renewing !== undefined) return;
    for (const q of this.#queues.values()) if (q.batches.length > 0) return;
    for (const w of this.#idle.splice(0)) {
      if (this.#fatal === undefined) w.resolve();
      else w.reject(this.#fatal);
    }
  }
}
