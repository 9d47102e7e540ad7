import type {
  CreateStreamRequest,
  FetchFrame,
  PartitionInfo,
  ProducedRange,
  ProduceFrame,
  ProduceResponse,
  StreamInfo,
  StreamSettings,
} from '@switchyard/protocol';
import { encodeRecordBatch, forEachRecord, syError, verifyBatches } from '@switchyard/protocol';
import type { KvStore } from '../storage/kv-store.ts';
import type { LogStore, PartitionLog, PartitionLogConfig, ReadResult } from '../storage/log-store.ts';
import { waitForAppend } from './long-poll.ts';
import type { IncomingRecord } from './record-router.ts';
import { routeRecords } from './record-router.ts';
import type { StreamDefinition, StreamLimits } from './stream-definition.ts';
import { resolveStreamDefinition, updateStreamDefinition, validateName } from './stream-definition.ts';
import type { StreamMetrics } from './stream-metrics.ts';

const KEY_PREFIX = 'streams/';

interface OpenStream {
  def: StreamDefinition;
  revision: number;
  logs: PartitionLog[];
  sticky: number;
}

/** Where to start reading, as the offsets API accepts it. */
export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

/**
 * A fetch frame as the core serves it: `release`, when present, hands the read buffer under
 * `batches` back to the log once the answer holding it has been written out (ReadResult.release).
 */
export interface ServedFrame extends FetchFrame {
  release?: () => void;
}

/** What the streams core needs from outside. */
export interface StreamsDeps {
  kv: KvStore;
  logs: LogStore;
  limits: StreamLimits;
  metrics: StreamMetrics;
  now?: () => number;
}

function logConfig(def: StreamDefinition): PartitionLogConfig {
  return {
    segmentBytes: def.segmentBytes,
    segmentMs: def.segmentMs,
    retentionMs: def.retentionMs,
    retentionBytes: def.retentionBytes,
    cleanupPolicy: def.cleanupPolicy,
    deleteRetentionMs: def.deleteRetentionMs,
  };
}

/** Compaction keeps the latest record per key, so a compacted stream refuses keyless records (as Kafka). */
function requireKeys(stream: string, batches: Buffer, position: number): void {
  forEachRecord(batches, position, (r) => {
    if (r.key === null) throw syError('SY_ERR_COMPACTED_KEY_REQUIRED', { stream, offset: r.offset });
  });
}

/** Streams: the catalogue of partitioned logs, produce, fetch and offsets. */
export class Streams {
  readonly #deps: StreamsDeps;
  readonly #streams = new Map<string, OpenStream>();
  readonly #now: () => number;
  readonly #onDeleted: ((stream: string) => Promise<void>)[] = [];

  private constructor(deps: StreamsDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Loads the catalogue and opens every partition log. */
  static async open(deps: StreamsDeps): Promise<Streams> {
    const streams = new Streams(deps);
    for (const entry of await deps.kv.list(KEY_PREFIX)) {
      const stored = JSON.parse(entry.value.toString('utf8')) as Partial<StreamDefinition>;
      // Definitions stored before a setting existed take its server default.
      const def = { segmentMs: deps.limits.defaultSegmentMs, ...stored } as StreamDefinition;
      await streams.#attach(def, entry.revision);
    }
    return streams;
  }

  async #attach(def: StreamDefinition, revision: number): Promise<OpenStream> {
    const logs: PartitionLog[] = [];
    for (let p = 0; p < def.partitions; p++)
      logs.push(await this.#deps.logs.open(def.name, p, logConfig(def)));
    const open: OpenStream = { def, revision, logs, sticky: 0 };
    this.#streams.set(def.name, open);
    this.#deps.metrics.track(def.name, logs);
    return open;
  }

  #get(name: string): OpenStream {
    const s = this.#streams.get(name);
    if (s === undefined) throw syError('SY_ERR_STREAM_NOT_FOUND', { stream: name });
    return s;
  }

  #log(s: OpenStream, partition: number): PartitionLog {
    const log = Number.isInteger(partition) && partition >= 0 ? s.logs[partition] : undefined;
    if (log === undefined) {
      throw syError('SY_ERR_PARTITION_INVALID', {
        stream: s.def.name,
        partition,
        partitions: s.logs.length,
        max: s.logs.length - 1,
      });
    }
    return log;
  }

  /** Creates a stream; `SY_ERR_STREAM_EXISTS` if the name is taken. */
  async create(req: CreateStreamRequest): Promise<StreamInfo> {
    const def = resolveStreamDefinition(req, this.#deps.limits, new Date(this.#now()));
    if (this.#streams.has(def.name)) throw syError('SY_ERR_STREAM_EXISTS', { stream: def.name });
    let revision: number;
    try {
      revision = await this.#deps.kv.create(KEY_PREFIX + def.name, Buffer.from(JSON.stringify(def)));
    } catch (err) {
      if ((err as { code?: string }).code === 'SY_ERR_STORAGE_CONFLICT') {
        throw syError('SY_ERR_STREAM_EXISTS', { stream: def.name });
      }
      throw err;
    }
    await this.#attach(def, revision);
    return this.#info(this.#get(def.name), false);
  }

  /** Every stream, by name. */
  list(): StreamInfo[] {
    return [...this.#streams.values()]
      .sort((a, b) => (a.def.name < b.def.name ? -1 : 1))
      .map((s) => this.#info(s, false));
  }

  /** One stream with its partitions' offsets and sizes. */
  describe(name: string): StreamInfo {
    return this.#info(this.#get(validateName(name)), true);
  }

  /** The partition count of a stream, or undefined when it does not exist. */
  partitionCount(name: string): number | undefined {
    return this.#streams.get(name)?.logs.length;
  }

  #info(s: OpenStream, withPartitions: boolean): StreamInfo {
    const info: StreamInfo = { ...s.def };
    if (withPartitions) {
      info.partitionInfo = s.logs.map(
        (log, partition): PartitionInfo => ({
          partition,
          startOffset: log.startOffset,
          endOffset: log.endOffset,
          sizeBytes: log.sizeBytes,
        }),
      );
    }
    return info;
  }

  /** Changes settings; partitions only grow, and new partitions open at once. */
  async update(name: string, settings: StreamSettings): Promise<StreamInfo> {
    const s = this.#get(validateName(name));
    const def = updateStreamDefinition(s.def, settings, this.#deps.limits);
    s.revision = await this.#deps.kv.update(KEY_PREFIX + name, Buffer.from(JSON.stringify(def)), s.revision);
    s.def = def;
    for (const log of s.logs) log.reconfigure(logConfig(def));
    for (let p = s.logs.length; p < def.partitions; p++)
      s.logs.push(await this.#deps.logs.open(name, p, logConfig(def)));
    this.#deps.metrics.track(name, s.logs);
    return this.#info(s, true);
  }

  /** Deletes a stream and all its data. */
  async delete(name: string): Promise<void> {
    this.#get(validateName(name));
    this.#streams.delete(name);
    this.#deps.metrics.untrack(name);
    await this.#deps.kv.delete(KEY_PREFIX + name);
    await this.#deps.logs.drop(name);
    for (const forget of this.#onDeleted) await forget(name);
  }

  /** Runs `forget` after each stream deletion, for state kept elsewhere about the stream (group offsets). */
  onDeleted(forget: (stream: string) => Promise<void>): void {
    this.#onDeleted.push(forget);
  }

  /** Appends records a face parsed (JSON, CloudEvents); all validated before anything is written. */
  async produceRecords(name: string, records: readonly IncomingRecord[]): Promise<ProduceResponse> {
    const s = this.#get(name);
    if (records.length === 0) throw syError('SY_ERR_BATCH_EMPTY');
    if (s.def.cleanupPolicy !== 'delete') {
      const i = records.findIndex((r) => r.key === null);
      if (i >= 0) throw syError('SY_ERR_COMPACTED_KEY_REQUIRED', { stream: name, index: i });
    }
    const now = this.#now();
    for (const r of records) if (r.timestamp !== undefined) this.#checkTimestamp(r.timestamp, now);
    const sticky = s.sticky;
    s.sticky = (s.sticky + 1) % s.logs.length;
    const routed = routeRecords(name, records, s.logs.length, sticky);
    const batches = routed.records.map((list) => encodeRecordBatch(list, { timestamp: now }));
    const results = await Promise.all(routed.partitions.map((p, slot) => this.#append(s, p, batches[slot]!)));
    const offsets = new Array<{ partition: number; offset: number }>(records.length);
    for (let i = 0; i < records.length; i++) {
      const slot = routed.slotOf[i]!;
      offsets[i] = {
        partition: routed.partitions[slot]!,
        offset: results[slot]!.baseOffset + routed.indexInSlot[i]!,
      };
    }
    return { ranges: results, offsets };
  }

  /** Appends binary frames (RecordBatch v2 per partition); every frame is verified before any write. */
  async produceFrames(name: string, frames: readonly ProduceFrame[]): Promise<ProduceResponse> {
    const s = this.#get(name);
    if (frames.length === 0) throw syError('SY_ERR_BATCH_EMPTY');
    const compacted = s.def.cleanupPolicy !== 'delete';
    const now = this.#now();
    for (const f of frames) {
      this.#log(s, f.partition);
      for (const h of verifyBatches(f.batches)) {
        this.#checkTimestamp(h.maxTimestamp, now);
        if (compacted) requireKeys(s.def.name, f.batches, h.position);
      }
    }
    const ranges = await Promise.all(frames.map((f) => this.#append(s, f.partition, f.batches)));
    return { ranges };
  }

  /**
   * Refuses a timestamp too far ahead of the clock: retention measures a segment by its newest
   * timestamp, so one event stamped years ahead would keep its segment for years (as Kafka 3.6's
   * log.message.timestamp.after.max.ms, default one hour).
   */
  #checkTimestamp(timestamp: number, now: number): void {
    const maxAheadMs = this.#deps.limits.maxTimestampAheadMs;
    if (timestamp - now > maxAheadMs) {
      throw syError('SY_ERR_TIMESTAMP_AHEAD', { timestamp, aheadMs: timestamp - now, maxAheadMs });
    }
  }

  /**
   * Every caller hands over verified bytes: produceFrames ran `verifyBatches` on them, and
   * produceRecords encoded them itself. Telling the log so skips a second CRC pass, which was
   * the largest self-time entry of the binary produce profile (docs/benchmarks.md).
   */
  async #append(s: OpenStream, partition: number, batches: Buffer): Promise<ProducedRange> {
    const started = performance.now();
    const r = await this.#log(s, partition).append(batches, { verified: true });
    this.#deps.metrics.produced(
      s.def.name,
      r.lastOffset - r.baseOffset + 1,
      batches.length,
      performance.now() - started,
    );
    const range: ProducedRange = { partition, baseOffset: r.baseOffset, lastOffset: r.lastOffset };
    if (r.duplicate) range.duplicate = true;
    return range;
  }

  /** Reads one partition from `offset`, waiting up to `maxWaitMs` for data when there is none. */
  async fetch(
    name: string,
    partition: number,
    offset: number,
    maxBytes: number,
    maxWaitMs: number,
  ): Promise<ReadResult> {
    const [frame] = await this.fetchMany([{ stream: name, partition, offset }], maxBytes, maxWaitMs);
    const result: ReadResult = {
      data: frame!.batches,
      nextOffset: frame!.nextOffset,
      highWatermark: frame!.highWatermark,
      logStartOffset: frame!.logStartOffset,
    };
    if (frame!.release !== undefined) result.release = frame!.release;
    return result;
  }

  /**
   * Reads several partitions at once (a consumer's assignment), long polling until any has data
   * or `maxWaitMs` passes. The byte budget is shared in order.
   */
  async fetchMany(
    positions: readonly { stream: string; partition: number; offset: number }[],
    maxBytes: number,
    maxWaitMs: number,
    signal?: AbortSignal,
  ): Promise<ServedFrame[]> {
    const logs = positions.map((p) => this.#log(this.#get(p.stream), p.partition));
    for (let i = 0; i < positions.length; i++) {
      const { stream, partition, offset } = positions[i]!;
      const log = logs[i]!;
      if (!Number.isInteger(offset) || offset < log.startOffset || offset > log.endOffset) {
        throw syError('SY_ERR_OFFSET_OUT_OF_RANGE', {
          offset,
          stream,
          partition,
          start: log.startOffset,
          end: log.endOffset,
        });
      }
    }
    const hasData = () => logs.some((log, i) => log.endOffset > positions[i]!.offset);
    if (!hasData() && maxWaitMs > 0) {
      this.#deps.metrics.waiting(1);
      try {
        await waitForAppend(logs, maxWaitMs, hasData, signal);
      } finally {
        this.#deps.metrics.waiting(-1);
      }
    }
    const frames: ServedFrame[] = [];
    let budget = maxBytes;
    for (let i = 0; i < positions.length; i++) {
      const { stream, partition, offset } = positions[i]!;
      const log = logs[i]!;
      const r =
        budget > 0 && log.endOffset > offset
          ? await log.read(offset, budget)
          : {
              data: Buffer.alloc(0),
              nextOffset: offset,
              highWatermark: log.endOffset,
              logStartOffset: log.startOffset,
            };
      budget -= r.data.length;
      const frame: ServedFrame = {
        stream,
        partition,
        batches: r.data,
        nextOffset: r.nextOffset,
        highWatermark: r.highWatermark,
        logStartOffset: r.logStartOffset,
      };
      if (r.release !== undefined) frame.release = r.release;
      frames.push(frame);
      this.#deps.metrics.fetched(stream, r.data.length);
    }
    return frames;
  }

  /** The offset per partition at `spec`: earliest, latest, or the first record at or after a time. */
  async offsetsAt(name: string, spec: OffsetSpec): Promise<{ partition: number; offset: number }[]> {
    const s = this.#get(name);
    return Promise.all(
      s.logs.map(async (log, partition) => ({
        partition,
        offset:
          spec === 'earliest'
            ? log.startOffset
            : spec === 'latest'
              ? log.endOffset
              : await log.offsetForTimestamp(spec.timestamp),
      })),
    );
  }

  /** End offsets of every partition of a stream (for lag), or undefined when it does not exist. */
  endOffsets(name: string): number[] | undefined {
    return this.#streams.get(name)?.logs.map((l) => l.endOffset);
  }

  /** Start offsets of every partition of a stream, or undefined when it does not exist. */
  startOffsets(name: string): number[] | undefined {
    return this.#streams.get(name)?.logs.map((l) => l.startOffset);
  }

  /** Applies retention and compaction to every partition; resolves with the bytes freed. */
  async clean(): Promise<number> {
    let freed = 0;
    const now = this.#now();
    for (const s of this.#streams.values()) for (const log of s.logs) freed += await log.clean(now);
    return freed;
  }
}
