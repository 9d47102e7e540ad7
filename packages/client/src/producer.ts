import { PATHS, type ProducerIdResponse, syError } from '@switchyard/protocol';
import type { Admin } from './admin.ts';
import { type RetryOptions, resolveRetryOptions } from './backoff.ts';
import { BatchSender } from './batch-sender.ts';
import type { HttpClient } from './http-client.ts';
import { PartitionChooser } from './partition-chooser.ts';
import { ProducerBatch } from './producer-batch.ts';
import { estimateSize, keyBytes, type ProducerRecord, toRecordInput } from './record-codec.ts';

/** Producer settings; everything but `stream` has a default. */
export interface ProducerOptions {
  stream: string;
  /** Producer id and per-partition sequences, so retries never duplicate; default true. */
  idempotent?: boolean;
  /** How long a batch waits for more records before it is sent (ms); default 5. */
  lingerMs?: number;
  /** Most records per batch; default 5000. */
  batchSize?: number;
  /** Most bytes per batch; default 1 MiB. */
  maxBatchBytes?: number;
  /** Most bytes per produce request (batches of several partitions share one); default 4 MiB. */
  maxRequestBytes?: number;
  /** Produce requests in flight at once; default 5. */
  maxInFlight?: number;
  /**
   * Batches of one partition in flight at once; default 1. Concurrent HTTP requests may reach the
   * server in any order, and an idempotent producer's batch that overtakes an older one is
   * refused with a sequence gap and sent again, so pipelining one partition only pays when the
   * producer is not idempotent (and order within a partition does not matter).
   */
  maxInFlightPerPartition?: number;
  /** Gives up on a record this long after its first send (ms); default 120 s. */
  deliveryTimeoutMs?: number;
  /** Backoff between resends; `retries` defaults to unlimited within the delivery timeout. */
  retry?: Partial<RetryOptions>;
  /** Re-reads the partition count when it is older than this (ms); default 60 s. */
  metadataMaxAgeMs?: number;
}

/** Where a record was stored. */
export interface RecordMetadata {
  partition: number;
  offset: number;
}

const PRODUCE_RETRY: RetryOptions = { retries: 2 ** 31 - 1, initialMs: 50, maxMs: 2000, multiplier: 2 };

/**
 * Batches records per partition and sends them as binary RecordBatches, several requests in flight.
 * A record's promise resolves once the server has stored it durably; records of one batch share one
 * promise. Idempotent by default: resends keep their sequence numbers and are answered from the log.
 */
export class Producer {
  readonly stream: string;
  #http: HttpClient;
  #admin: Admin;
  #o: Required<Omit<ProducerOptions, 'retry'>> & { retry: RetryOptions };
  #chooser: PartitionChooser | undefined;
  #metadataAt = 0;
  #init: Promise<void> | undefined;
  #open = new Map<number, ProducerBatch>();
  #sender: BatchSender;
  #lingerTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(http: HttpClient, admin: Admin, options: ProducerOptions) {
    this.#http = http;
    this.#admin = admin;
    this.stream = options.stream;
    this.#o = {
      stream: options.stream,
      idempotent: options.idempotent ?? true,
      lingerMs: options.lingerMs ?? 5,
      batchSize: options.batchSize ?? 5000,
      maxBatchBytes: options.maxBatchBytes ?? 1024 * 1024,
      maxRequestBytes: options.maxRequestBytes ?? 4 * 1024 * 1024,
      maxInFlight: options.maxInFlight ?? 5,
      maxInFlightPerPartition: options.maxInFlightPerPartition ?? 1,
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 120_000,
      metadataMaxAgeMs: options.metadataMaxAgeMs ?? 60_000,
      retry: resolveRetryOptions(options.retry, PRODUCE_RETRY),
    };
    const checked = [
      'lingerMs',
      'batchSize',
      'maxBatchBytes',
      'maxRequestBytes',
      'maxInFlight',
      'maxInFlightPerPartition',
    ] as const;
    for (const k of checked) {
      if (!(this.#o[k] >= (k === 'lingerMs' ? 0 : 1)))
        throw new RangeError(`producer option ${k} is out of range: ${this.#o[k]}`);
    }
    this.#sender = new BatchSender(http, {
      ...this.#o,
      onPartitionInvalid: () => {
        this.#refreshMetadata().catch(() => {});
      },
      newProducerId: () => this.#newProducerId(),
    });
  }

  /** Reads the stream's partition count and gets a producer id; `send` does this on first use. */
  connect(): Promise<void> {
    this.#init ??= this.#connect().catch((err: unknown) => {
      this.#init = undefined;
      throw err;
    });
    return this.#init;
  }

  /** Queues a record; resolves with its partition and offset once it is durable. */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    if (!this.#canAppend(record)) return this.sendMany([record]).then((r) => r[0]!);
    const batch = this.#append(record);
    const index = batch.records.length - 1;
    this.#afterAppend(batch);
    return batch.promise.then((base) => ({ partition: batch.partition, offset: base + index }));
  }

  /** Queues records in order; resolves with each one's partition and offset once all are durable. */
  async sendMany(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (!records.every((r) => this.#canAppend(r))) await this.#prepare(records);
    const batches: ProducerBatch[] = new Array(records.length);
    const indexes: number[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const b = this.#append(records[i]!);
      batches[i] = b;
      indexes[i] = b.records.length - 1;
      this.#afterAppend(b);
    }
    const bases = new Map<ProducerBatch, number>();
    for (const b of new Set(batches)) bases.set(b, await b.promise);
    return batches.map((b, i) => ({ partition: b.partition, offset: bases.get(b)! + indexes[i]! }));
  }

  /** Sends everything queued; resolves when all of it is acknowledged or failed. */
  flush(): Promise<void> {
    for (const b of [...this.#open.values()]) this.#seal(b);
    return this.#sender.whenIdle();
  }

  /** Flushes and stops accepting records. */
  async close(): Promise<void> {
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      clearTimeout(this.#lingerTimer);
      this.#sender.stop();
    }
  }

  async #connect(): Promise<void> {
    const [info, id] = await Promise.all([
      this.#admin.describeStream(this.stream),
      this.#o.idempotent ? this.#newProducerId() : undefined,
    ]);
    this.#chooser = new PartitionChooser(info.partitions, Math.floor(Math.random() * info.partitions));
    this.#metadataAt = Date.now();
    if (id !== undefined) {
      this.#sender.producerId = id.producerId;
      this.#sender.epoch = id.epoch;
    }
  }

  #newProducerId(): Promise<ProducerIdResponse> {
    return this.#http.json<ProducerIdResponse>({
      method: 'POST',
      path: PATHS.producers,
      json: {},
      idempotent: true,
    });
  }

  async #refreshMetadata(): Promise<void> {
    const info = await this.#admin.describeStream(this.stream);
    this.#metadataAt = Date.now();
    if (this.#chooser !== undefined) this.#chooser.count = info.partitions;
  }

  #canAppend(record: ProducerRecord): boolean {
    const c = this.#chooser;
    if (c === undefined || this.#closed || this.#sender.fatal !== undefined) return false;
    const p = record.partition;
    return p === undefined || (Number.isInteger(p) && p >= 0 && p < c.count);
  }

  /** The slow path before appending: connect, refuse when closed or failed, check explicit partitions. */
  async #prepare(records: readonly ProducerRecord[]): Promise<void> {
    if (this.#closed) throw new Error(`The producer for stream ${this.stream} is closed`);
    await this.connect();
    if (this.#sender.fatal !== undefined) throw this.#sender.fatal;
    let refreshed = false;
    for (const r of records) {
      const p = r.partition;
      if (p === undefined || (Number.isInteger(p) && p >= 0 && p < this.#chooser!.count)) continue;
      if (!refreshed && Number.isInteger(p) && p >= 0) {
        refreshed = true;
        await this.#refreshMetadata();
        if (p < this.#chooser!.count) continue;
      }
      const partitions = this.#chooser!.count;
      throw syError('SY_ERR_PARTITION_INVALID', {
        partition: p,
        stream: this.stream,
        partitions,
        max: partitions - 1,
      });
    }
  }

  #append(record: ProducerRecord): ProducerBatch {
    const key = keyBytes(record.key);
    const p = record.partition ?? (key === null ? this.#chooser!.sticky() : this.#chooser!.forKey(key));
    const input = toRecordInput(record, key);
    const size = estimateSize(input);
    let b = this.#open.get(p);
    if (b !== undefined && b.bytes + size > this.#o.maxBatchBytes) {
      this.#seal(b);
      b = undefined;
    }
    if (b === undefined) {
      b = new ProducerBatch(p, Date.now());
      this.#open.set(p, b);
      this.#armLinger();
    }
    b.add(input, size);
    return b;
  }

  #afterAppend(b: ProducerBatch): void {
    if (b.records.length >= this.#o.batchSize || b.bytes >= this.#o.maxBatchBytes) this.#seal(b);
  }

  #seal(b: ProducerBatch): void {
    if (this.#open.get(b.partition) !== b) return;
    this.#open.delete(b.partition);
    this.#chooser!.sealed(b.partition);
    if (Date.now() - this.#metadataAt > this.#o.metadataMaxAgeMs) {
      this.#metadataAt = Date.now();
      this.#refreshMetadata().catch(() => {});
    }
    this.#sender.enqueue(b);
  }

  #armLinger(): void {
    if (this.#lingerTimer !== undefined) return;
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = undefined;
      const now = Date.now();
      for (const b of [...this.#open.values()]) if (now - b.createdAt >= this.#o.lingerMs - 1) this.#seal(b);
      if (this.#open.size > 0) this.#armLinger();
    }, this.#o.lingerMs);
  }
}
