/**
 * One partition log on one JetStream stream (ADR 0006). Each publish is one message holding whole
 * record batches: every append waiting while the previous publish was in flight goes into the
 * next message (group commit), so a message is one or more appends and an append is never split.
 * Every publish expects the stream's last sequence, so a node whose view is stale (another node
 * appended) is refused, catches up, re-checks producer state and tries again.
 */
import { type BatchHeader, readBatchHeader, syError, verifyBatches } from '@switchyard/protocol';
import type { JetStreamClient, JetStreamManager, NatsConnection, Subscription } from 'nats';
import type { AppendResult, PartitionLog, PartitionLogConfig, ReadResult } from '../log-store.ts';
import { ProducerStateTable } from '../producer-state.ts';
import { prepareGroup } from './append-group.ts';
import { fromNatsError, isWrongLastSequence } from './jetstream-errors.ts';
import { encodeMeta, HDR_OFFSETS } from './log-message-meta.ts';
import { MessageIndex } from './message-index.ts';
import { type ScannedMessage, scanMessages } from './message-scan.ts';
import { compactPartition } from './partition-compaction.ts';
import { fetchPayloads, firstOffsetAtOrAfter, sliceRead } from './partition-read.ts';
import { cleanPartition } from './partition-retention.ts';

/** Where a partition lives and how to reach it. */
export interface PartitionAddress {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  partition: number;
  streamName: string;
  subject: string;
  /** The stream allows direct get (created by this adapter with `allow_direct`). */
  direct: boolean;
  /** Subject carrying the headers of every stored message (RePublish), or `subject` itself. */
  notifySubject: string;
  /** Forget idempotent producers idle this long (ms), at `clean`. */
  producerExpirationMs: number;
}

interface Pending {
  bytes: Buffer;
  headers: BatchHeader[];
  resolve: (r: AppendResult) => void;
  reject: (err: unknown) => void;
}

const MAX_CATCH_UPS = 8;
const HEADER_ALLOWANCE = 4096;

/** A PartitionLog whose records live in one JetStream stream. */
export class JetStreamPartitionLog implements PartitionLog {
  readonly #addr: PartitionAddress;
  readonly #index = new MessageIndex();
  readonly #producers = new ProducerStateTable();
  readonly #listeners = new Set<() => void>();
  readonly #queue: Pending[] = [];
  #config: PartitionLogConfig;
  #chain: Promise<unknown> = Promise.resolve();
  #flushScheduled = false;
  #lastSeq = 0;
  #startOffset = 0;
  #endOffset = 0;
  #sub: Subscription | null = null;
  #closed = false;

  private constructor(addr: PartitionAddress, config: PartitionLogConfig) {
    this.#addr = addr;
    this.#config = config;
  }

  /** Opens the partition on its (existing) stream and rebuilds the index and producer state. */
  static async open(addr: PartitionAddress, config: PartitionLogConfig): Promise<JetStreamPartitionLog> {
    const log = new JetStreamPartitionLog(addr, config);
    await log.#catchUp();
    return log;
  }

  get startOffset(): number {
    return this.#startOffset;
  }

  get endOffset(): number {
    return this.#endOffset;
  }

  get sizeBytes(): number {
    return this.#index.bytes;
  }

  async append(batches: Buffer, options?: { verified?: boolean }): Promise<AppendResult> {
    if (this.#closed) throw syError('SY_ERR_SERVER_SHUTTING_DOWN');
    const headers = options?.verified === true ? batchHeaders(batches) : verifyBatches(batches);
    const limit = this.#maxPayload();
    if (batches.length > limit) throw syError('SY_ERR_REQUEST_TOO_LARGE', { size: batches.length, limit });
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ bytes: batches, headers, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        void this.#exclusive(() => this.#flush());
      }
    });
  }

  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    this.#checkRange(offset);
    for (let attempt = 0; ; attempt++) {
      const first = this.#index.findOffset(offset);
      const result = (hw: number, data: Buffer, next: number): ReadResult => ({
        data,
        nextOffset: next,
        highWatermark: hw,
        logStartOffset: this.#startOffset,
      });
      if (offset === this.#endOffset || first < 0) return result(this.#endOffset, Buffer.alloc(0), offset);
      const metas = [];
      let bytes = 0;
      for (let i = first; i < this.#index.length && (metas.length === 0 || bytes < maxBytes); i++) {
        const m = this.#index.at(i)!;
        metas.push(m);
        bytes += m.bytes;
      }
      const hw = this.#endOffset;
      const payloads = await fetchPayloads(this.#addr.jsm, this.#addr.streamName, metas, this.#addr.direct);
      if (payloads !== null) {
        const { data, nextOffset } = sliceRead(payloads, offset, maxBytes);
        return result(hw, data, nextOffset);
      }
      // A message vanished: retention on another node. Catch up and try again from the new start.
      if (attempt >= 2)
        throw syError('SY_ERR_SERVER_INTERNAL', { reason: `messages of ${this.#addr.streamName} vanished` });
      await this.#exclusive(() => this.#catchUp());
      this.#checkRange(offset);
    }
  }

  async offsetForTimestamp(timestamp: number): Promise<number> {
    for (let i = this.#index.findTimestamp(timestamp); i >= 0 && i < this.#index.length; i++) {
      const meta = this.#index.at(i)!;
      const payloads = await fetchPayloads(this.#addr.jsm, this.#addr.streamName, [meta], this.#addr.direct);
      if (payloads === null) break;
      const found = firstOffsetAtOrAfter(payloads[0]!, timestamp, this.#startOffset);
      if (found !== null) return found;
    }
    return this.#endOffset;
  }

  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    this.#subscribe();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#sub?.unsubscribe();
        this.#sub = null;
      }
    };
  }

  async clean(now: number): Promise<number> {
    return this.#exclusive(async () => {
      await this.#catchUp();
      this.#producers.expire(Date.now(), this.#addr.producerExpirationMs);
      let freed = await cleanPartition(this.#addr, this.#index, this.#config, now);
      if (this.#config.cleanupPolicy !== 'delete')
        freed += await compactPartition(this.#addr, this.#index, this.#config, now);
      this.#startOffset = this.#index.at(0)?.baseOffset ?? this.#endOffset;
      return freed;
    });
  }

  reconfigure(config: PartitionLogConfig): void {
    this.#config = config;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#sub?.unsubscribe();
    this.#sub = null;
    await this.#chain.catch(() => {});
  }

  #checkRange(offset: number): void {
    if (!Number.isInteger(offset) || offset < this.#startOffset || offset > this.#endOffset) {
      throw syError('SY_ERR_OFFSET_OUT_OF_RANGE', {
        offset,
        stream: this.#addr.stream,
        partition: this.#addr.partition,
        start: this.#startOffset,
        end: this.#endOffset,
      });
    }
  }

  #maxPayload(): number {
    return (this.#addr.nc.info?.max_payload ?? 1024 * 1024) - HEADER_ALLOWANCE;
  }

  /** Runs `fn` after everything queued before it: appends, catch-ups and cleans never overlap. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn);
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Subscribes to the partition's append notifications so appends by other nodes wake this node's listeners. */
  #subscribe(): void {
    if (this.#sub !== null || this.#closed) return;
    this.#sub = this.#addr.nc.subscribe(this.#addr.notifySubject, {
      callback: (_err, msg) => {
        const base = Number(/^(\d+)-/.exec(msg.headers?.get(HDR_OFFSETS) ?? '')?.[1] ?? Number.NaN);
        if (Number.isNaN(base) || base < this.#endOffset) return;
        void this.#exclusive(() => this.#catchUp()).catch(() => {});
      },
    });
    // The subscription is live only once the server has it: an append by another node before
    // that sends a notification nobody receives. So after a round trip, catch up once; whatever
    // was appended in the gap is found and wakes the listeners.
    void this.#addr.nc
      .flush()
      .then(() => this.#exclusive(() => this.#catchUp()))
      .catch(() => {});
  }

  /** Brings index, producer state and offsets up to the stream's current state; notifies on news. */
  async #catchUp(): Promise<void> {
    let info: Awaited<ReturnType<JetStreamManager['streams']['info']>>;
    try {
      info = await this.#addr.jsm.streams.info(this.#addr.streamName);
    } catch (err) {
      throw fromNatsError(err, `stream info ${this.#addr.streamName}`);
    }
    const { first_seq: firstSeq, last_seq: lastSeq } = info.state;
    this.#index.dropBeforeSeq(firstSeq);
    const from = Math.max(this.#lastSeq + 1, firstSeq);
    const found: ScannedMessage[] = await scanMessages(
      this.#addr.js,
      this.#addr.jsm,
      this.#addr.streamName,
      from,
      lastSeq,
    );
    const now = Date.now();
    for (const { meta, producers } of found) {
      this.#index.push(meta);
      for (const p of producers) this.#producers.apply(p as unknown as BatchHeader, p.firstOffset, now);
      this.#endOffset = meta.lastOffset + 1;
    }
    this.#lastSeq = Math.max(this.#lastSeq, lastSeq);
    this.#startOffset = this.#index.at(0)?.baseOffset ?? this.#endOffset;
    if (found.length > 0) this.#notify();
  }

  #notify(): void {
    for (const l of this.#listeners) l();
  }

  /** Publishes everything queued (up to one message's worth) as one message. */
  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const limit = this.#maxPayload();
    const group: Pending[] = [];
    let size = 0;
    while (this.#queue.length > 0 && (group.length === 0 || size + this.#queue[0]!.bytes.length <= limit)) {
      const p = this.#queue.shift()!;
      group.push(p);
      size += p.bytes.length;
    }
    if (this.#queue.length > 0) {
      this.#flushScheduled = true;
      void this.#exclusive(() => this.#flush());
    }
    if (this.#closed) {
      for (const p of group) p.reject(syError('SY_ERR_SERVER_SHUTTING_DOWN'));
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#publishGroup(group);
      if (outcome === 'done') return;
      if (attempt >= MAX_CATCH_UPS) {
        const err = syError('SY_ERR_STORAGE_CONFLICT', {
          reason: `other nodes keep appending to ${this.#addr.streamName}`,
        });
        for (const p of group) p.reject(err);
        return;
      }
      try {
        await this.#catchUp();
      } catch (err) {
        for (const p of group) p.reject(err);
        return;
      }
    }
  }

  /** One attempt to store `group` as one message; 'stale' when another node appended first. */
  async #publishGroup(group: Pending[]): Promise<'done' | 'stale'> {
    const mark = this.#producers.mark();
    const prepared = prepareGroup(group, this.#producers, this.#endOffset, this.#addr.partition, Date.now());
    const { parts, producers, outcomes, maxTimestamp } = prepared;
    const offset = prepared.endOffset;
    if (parts.length > 0) {
      const payload = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      try {
        const ack = await this.#addr.js.publish(this.#addr.subject, payload, {
          expect: { lastSequence: this.#lastSeq },
          headers: encodeMeta(this.#endOffset, offset - 1, maxTimestamp, producers),
        });
        this.#producers.release(this.#producers.mark());
        this.#index.push({
          seq: ack.seq,
          baseOffset: this.#endOffset,
          lastOffset: offset - 1,
          maxTimestamp,
          bytes: payload.length,
        });
        this.#lastSeq = ack.seq;
        this.#endOffset = offset;
      } catch (err) {
        this.#producers.rollback(mark);
        if (isWrongLastSequence(err)) return 'stale';
        const mapped = fromNatsError(err, `append to ${this.#addr.streamName}`);
        for (const [i, p] of group.entries()) p.reject(outcomes[i] instanceof Error ? outcomes[i] : mapped);
        return 'done';
      }
    } else {
      this.#producers.release(this.#producers.mark());
    }
    for (const [i, p] of group.entries()) {
      const o = outcomes[i]!;
      if (o instanceof Error) p.reject(o);
      else p.resolve(o);
    }
    if (parts.length > 0) this.#notify();
    return 'done';
  }
}

/** Headers of batches the caller already verified (framing only, no CRC or record checks). */
function batchHeaders(buf: Buffer): BatchHeader[] {
  const out: BatchHeader[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const h = readBatchHeader(buf, pos);
    out.push(h);
    pos += h.size;
  }
  return out;
}
