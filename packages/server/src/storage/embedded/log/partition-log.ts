import fs from 'node:fs';
import {
  type BatchHeader,
  isSwitchyardError,
  setBaseOffset,
  syError,
  verifyBatches,
} from '@switchyard/protocol';
import type {
  AppendOptions,
  AppendResult,
  PartitionLog,
  PartitionLogConfig,
  ReadResult,
} from '../../log-store.ts';
import type { BatchMeta, ProducerStateTable } from '../../producer-state.ts';
import { storageError } from '../storage-error.ts';
import { AppendGroup } from './append-group.ts';
import { datasync, writeAll } from './file-io.ts';
import type { ResolvedEmbeddedLogOptions } from './options.ts';
import { PartitionCleaner } from './partition-cleaner.ts';
import { createActiveSegment, type Preallocator } from './preallocator.ts';
import { writeProducerSnapshot } from './producer-snapshot.ts';
import type { ReadBufferPool } from './read-buffer-pool.ts';
import { expiredByTime } from './retention.ts';
import type { Segment } from './segment.ts';
import { offsetForTimestampIn, readSegments } from './segment-list.ts';
import { TailCache } from './tail-cache.ts';
import { trustedHeaders } from './trusted-headers.ts';

const EMPTY = Buffer.alloc(0);

/** Runs a metrics hook; its failure must not fail an append that is already durable. */
function observe(hook: () => void): void {
  try {
    hook();
  } catch {
    // The observer's problem, not the log's.
  }
}

/** What `openPartition` hands the log: its recovered segments and state. */
export interface PartitionParts {
  stream: string;
  partition: number;
  dir: string;
  config: PartitionLogConfig;
  options: ResolvedEmbeddedLogOptions;
  segments: Segment[];
  producers: ProducerStateTable;
  preallocator: Preallocator;
  /** Buffers for large reads, shared by the partitions of one store. */
  readBuffers: ReadBufferPool;
}

/**
 * One partition of the embedded engine. Appends are verified once, get offsets at once, and join
 * the open group; a single flush loop writes each group with one pwritev (O_DSYNC under `fsync:
 * always`, so durable when it returns) and answers its appends afterwards (group commit). Readers
 * see only durable bytes; the newest come from an in-memory tail cache.
 */
export class EmbeddedPartitionLog implements PartitionLog {
  readonly #p: PartitionParts;
  readonly #segments: Segment[];
  readonly #listeners = new Set<() => void>();
  #config: PartitionLogConfig;
  #open: AppendGroup;
  #nextOffset: number;
  #endOffset: number;
  #size = 0;
  #flushing = false;
  #flushed: Promise<void> = Promise.resolve();
  #cleaning: Promise<unknown> = Promise.resolve();
  #dirty = false;
  readonly #cleaner: PartitionCleaner;
  readonly #tail: TailCache;
  /** Write descriptor of the active segment, opened with O_DSYNC under `fsync: always`. */
  #writer: { segment: Segment; fd: number } | null = null;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Set by `clean` when the active segment is due to roll by time while groups are being written. */
  #rollDue = false;

  constructor(parts: PartitionParts) {
    this.#p = parts;
    this.#segments = parts.segments;
    this.#config = parts.config;
    this.#cleaner = new PartitionCleaner(
      parts.segments,
      parts.preallocator,
      parts.options.indexIntervalBytes,
      parts.options.compactionMapBytes,
    );
    this.#tail = new TailCache(parts.options.tailCacheBytes);
    this.#open = new AppendGroup(parts.producers.mark());
    this.#endOffset = this.#active.nextOffset;
    this.#nextOffset = this.#endOffset;
    for (const s of this.#segments) this.#size += s.size;
    if (parts.options.fsync === 'interval') {
      this.#timer = setInterval(() => void this.#periodicSync(), parts.options.fsyncIntervalMs);
      this.#timer.unref();
    }
    parts.preallocator.start();
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  get startOffset(): number {
    return this.#segments[0]!.baseOffset;
  }

  get endOffset(): number {
    return this.#endOffset;
  }

  get sizeBytes(): number {
    return this.#size;
  }

  append(batches: Buffer, options?: AppendOptions): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(syError('SY_ERR_SERVER_SHUTTING_DOWN'));
    let headers: BatchHeader[];
    try {
      headers = options?.verified === true ? trustedHeaders(batches) : verifyBatches(batches);
    } catch (err) {
      return Promise.reject(err);
    }
    const producers = this.#p.producers;
    const now = Date.now();
    const mark = producers.mark();
    let offset = this.#nextOffset;
    let records = 0;
    let firstDup: BatchMeta | null = null;
    let lastDup: BatchMeta | null = null;
    try {
      for (let i = 0; i < headers.length; i++) {
        const h = headers[i]!;
        const dup = h.producerId >= 0 ? producers.check(h, this.#p.partition) : null;
        if ((dup !== null) !== (firstDup !== null) && i > 0) {
          throw syError('SY_ERR_PRODUCER_SEQUENCE_GAP', {
            ...{ producerId: h.producerId, sequence: h.baseSequence, partition: this.#p.partition },
            expected: 'a call of only new or only retried batches',
          });
        }
        if (dup !== null) {
          firstDup ??= dup;
          lastDup = dup;
          continue;
        }
        if (h.producerId >= 0) producers.record(h, offset, now);
        setBaseOffset(batches, h.position, offset);
        h.baseOffset = offset;
        offset += h.lastOffsetDelta + 1;
        records += h.recordCount;
      }
    } catch (err) {
      producers.rollback(mark);
      return Promise.reject(err);
    }
    let promise: Promise<AppendResult>;
    if (firstDup !== null && lastDup !== null) {
      const result = {
        baseOffset: firstDup.firstOffset,
        lastOffset: lastDup.lastOffset,
        appendTime: now,
        duplicate: true,
      };
      promise = this.#open.add(null, headers, 0, result);
    } else {
      const result = {
        baseOffset: this.#nextOffset,
        lastOffset: offset - 1,
        appendTime: now,
        duplicate: false,
      };
      this.#nextOffset = offset;
      promise = this.#open.add(batches, headers, records, result);
    }
    if (!this.#flushing) {
      this.#flushing = true;
      this.#flushed = this.#flushLoop();
    }
    return promise;
  }

  async #flushLoop(): Promise<void> {
    while (this.#open.appends.length > 0) {
      const group = this.#open;
      this.#open = new AppendGroup(this.#p.producers.mark());
      try {
        if (group.bytes > 0) await this.#write(group);
      } catch (err) {
        await this.#fail(group, err);
        continue;
      }
      this.#p.producers.release(this.#open.producerMark);
      const observer = this.#p.options.observer;
      for (const a of group.appends) {
        a.resolve(a.result);
        if (observer.onAppend !== undefined)
          observe(() => observer.onAppend?.(a.records, a.bytes?.length ?? 0));
      }
      for (const listener of this.#listeners) {
        try {
          listener();
        } catch {
          // A listener's failure is its own; the append is durable.
        }
      }
    }
    this.#flushing = false;
  }

  async #write(group: AppendGroup): Promise<void> {
    let seg = this.#active;
    // A segment left sealed by a roll that failed half-way (e.g. no permission for the new file) is rolled again.
    if (
      !seg.active ||
      (seg.size > 0 && (this.#rollDue || seg.size + group.bytes > this.#config.segmentBytes))
    )
      seg = await this.#roll();
    const start = seg.size;
    const { fsync, observer, indexIntervalBytes } = this.#p.options;
    const t = performance.now();
    // Under `always` the write is durable when it returns (O_DSYNC): one thread-pool job per
    // group instead of a write and then an fdatasync (docs/adr/0004-log-engine.md).
    await writeAll(this.#writeFd(seg), group.buffers, start, group.bytes);
    let syncMs = 0;
    if (fsync === 'always') syncMs = performance.now() - t;
    else this.#dirty = true;
    // From here the group is durable: nothing below may throw, or the log and its offsets would disagree.
    let position = start;
    for (const a of group.appends) {
      if (a.bytes === null) continue;
      seg.noteWritten(a.headers, position, indexIntervalBytes);
      this.#tail.add(a.bytes, a.result.baseOffset, a.result.lastOffset + 1);
      position += a.bytes.length;
    }
    seg.persistIndexes();
    this.#size += group.bytes;
    this.#endOffset = seg.nextOffset;
    if (observer.onFsync !== undefined) observe(() => observer.onFsync?.(syncMs, group.bytes));
  }

  /** The descriptor appends to `seg` go through: the segment's own, or an O_DSYNC one under `always`. */
  #writeFd(seg: Segment): number {
    if (this.#p.options.fsync !== 'always') return seg.fd;
    if (this.#writer?.segment === seg) return this.#writer.fd;
    this.#closeWriter();
    const fd = fs.openSync(seg.path('.log'), fs.constants.O_WRONLY | fs.constants.O_DSYNC);
    this.#writer = { segment: seg, fd };
    return fd;
  }

  #closeWriter(): void {
    if (this.#writer === null) return;
    try {
      fs.closeSync(this.#writer.fd);
    } catch {
      // Nothing was pending on it: every write through it completed durably.
    }
    this.#writer = null;
  }

  /** Undoes a failed group and everything queued behind it; the log is left exactly as before. */
  async #fail(group: AppendGroup, cause: unknown): Promise<void> {
    const failed = [...group.appends, ...this.#open.appends];
    this.#p.producers.rollback(group.producerMark);
    this.#open = new AppendGroup(this.#p.producers.mark());
    this.#nextOffset = this.#endOffset;
    const err = isSwitchyardError(cause)
      ? cause
      : storageError(cause, `append to ${this.#p.stream}/${this.#p.partition}`);
    const seg = this.#active;
    this.#tail.clear();
    try {
      // Cut whatever part of the group reached the file, so it can never be recovered as data.
      fs.ftruncateSync(seg.fd, seg.size);
      if (seg.capacity > seg.size) fs.ftruncateSync(seg.fd, seg.capacity);
    } catch {
      // Recovery cuts an unacknowledged tail by its checksum and offsets anyway.
    }
    for (const a of failed) a.reject(err);
  }

  async #roll(): Promise<Segment> {
    this.#rollDue = false;
    const old = this.#active;
    this.#closeWriter();
    await old.seal();
    await writeProducerSnapshot(this.#p.dir, this.#p.producers, old.nextOffset);
    const seg = await createActiveSegment(this.#p.dir, old.nextOffset, this.#p.preallocator);
    this.#segments.push(seg);
    this.#p.preallocator.start();
    return seg;
  }

  async #periodicSync(): Promise<void> {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    const t = performance.now();
    await datasync(this.#active.fd).catch(() => {
      this.#dirty = true;
    });
    this.#p.options.observer.onFsync?.(performance.now() - t, 0);
  }

  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    const start = this.startOffset;
    const end = this.#endOffset;
    if (!Number.isInteger(offset) || offset < start || offset > end) {
      const { stream, partition } = this.#p;
      throw syError('SY_ERR_OFFSET_OUT_OF_RANGE', { offset, stream, partition, start, end });
    }
    if (offset < end) {
      const { verifyChecksumsOnRead, indexIntervalBytes } = this.#p.options;
      // A nonsensical limit still returns one whole batch, as the port promises.
      const limit = Number.isFinite(maxBytes) && maxBytes > 0 ? Math.min(maxBytes, 1 << 30) : 1;
      // The newest batches come from memory: they are durable, and verified when appended.
      const cached = offset >= this.#tail.startOffset ? this.#tail.read(offset, limit) : null;
      if (cached !== null) return { ...cached, highWatermark: end, logStartOffset: start };
      const r = await readSegments(
        this.#segments,
        offset,
        limit,
        verifyChecksumsOnRead,
        indexIntervalBytes,
        this.#p.readBuffers,
      );
      // Null: compaction removed every record from `offset` to the end, so continue at the end.
      const found = r ?? { data: EMPTY, nextOffset: end };
      return { ...found, highWatermark: this.#endOffset, logStartOffset: this.startOffset };
    }
    return { data: EMPTY, nextOffset: offset, highWatermark: end, logStartOffset: start };
  }

  async offsetForTimestamp(timestamp: number): Promise<number> {
    const found = await offsetForTimestampIn(this.#segments, timestamp);
    return found === null ? this.#endOffset : Math.max(found, this.startOffset);
  }

  onAppend(listener: () => void): () => void {
    const wrapped = () => listener();
    this.#listeners.add(wrapped);
    return () => this.#listeners.delete(wrapped);
  }

  clean(now: number): Promise<number> {
    const run = this.#cleaning.then(() => this.#clean(now));
    this.#cleaning = run.catch(() => {});
    return run;
  }

  async #clean(now: number): Promise<number> {
    if (!this.#closed && this.#timeRollDue(now)) await this.#rollBetweenGroups();
    const { retained, compacted } = await this.#cleaner.clean(this.#config, now);
    // Compaction may have removed records the cache still holds; reads must match the files.
    if (compacted > 0) this.#tail.clear();
    this.#size -= retained + compacted;
    this.#p.producers.expire(now, this.#p.options.producerExpirationMs);
    this.#p.options.observer.onClean?.(retained, compacted);
    return retained + compacted;
  }

  /**
   * Whether the active segment rolls by time: its first record is `segmentMs` old, or every record
   * in it is past retention (Kafka rolls then too, so retention can delete an idle partition's data).
   */
  #timeRollDue(now: number): boolean {
    const seg = this.#active;
    if (seg.size === 0) return false;
    const { segmentMs } = this.#config;
    const aged = segmentMs !== null && seg.firstTimestamp >= 0 && now - seg.firstTimestamp >= segmentMs;
    return aged || expiredByTime(seg, this.#config, now);
  }

  /** Rolls now when no group is being written; otherwise the flush loop rolls before its next write. */
  async #rollBetweenGroups(): Promise<void> {
    if (this.#flushing) {
      this.#rollDue = true;
      return;
    }
    // Holding the flag keeps appends queued in the open group until the new segment is there.
    this.#flushing = true;
    try {
      await this.#roll();
    } finally {
      this.#flushing = false;
      if (this.#open.appends.length > 0) {
        this.#flushing = true;
        this.#flushed = this.#flushLoop();
      }
    }
  }

  reconfigure(config: PartitionLogConfig): void {
    this.#cleaner.reset();
    this.#config = config;
    this.#p.preallocator.capacity = config.segmentBytes;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    // Cleaning first: a roll it makes may have held appends back and started their flush.
    await this.#cleaning;
    await this.#flushed;
    await this.#p.preallocator.stop();
    this.#closeWriter();
    try {
      await this.#active.flush();
      await writeProducerSnapshot(this.#p.dir, this.#p.producers, this.#endOffset);
    } finally {
      for (const seg of this.#segments) seg.retire();
    }
  }
}
