import { syError } from '@switchyard/protocol';
import type { FsyncPolicy } from '../../log-store.ts';

/** Metrics hooks of the engine; the server wires them to Prometheus. Called on the hot path: keep them cheap. */
export interface LogObserver {
  /** After each durable group write: the fsync's duration (0 when not synced) and the bytes written. */
  onFsync?(durationMs: number, bytes: number): void;
  /** After each durable append call: records and bytes appended (duplicates count 0). */
  onAppend?(records: number, bytes: number): void;
  /** After a clean: bytes freed by retention and by compaction. */
  onClean?(retentionBytes: number, compactionBytes: number): void;
  /** When recovery truncated a torn or corrupt tail. */
  onRecovery?(stream: string, partition: number, truncatedBytes: number): void;
}

/** How segment files are prepared ahead of appends. */
export type PreallocateMode = 'recycle' | 'zero-fill' | 'off';

const PREALLOCATE: readonly PreallocateMode[] = ['recycle', 'zero-fill', 'off'];

/** Options of `EmbeddedLogStore.open`; everything but `dataDir` has a default. */
export interface EmbeddedLogOptions {
  /** Root of the data directory; partition logs live under `<dataDir>/logs/<stream>/<partition>/`. */
  dataDir: string;
  /**
   * `always` (default): acknowledge only after fdatasync; survives power loss.
   * `interval`: acknowledge after the write, fdatasync every `fsyncIntervalMs`; a power loss can
   * drop that window, a process crash cannot. `never`: the OS flushes when it likes.
   */
  fsync?: FsyncPolicy;
  /** Period of the background fdatasync under `fsync: 'interval'`. Default 50 ms. */
  fsyncIntervalMs?: number;
  /** Bytes of log between two sparse index entries. Default 4096. */
  indexIntervalBytes?: number;
  /**
   * How segment files get their blocks ahead of appends. `recycle` (default): a segment deleted by
   * retention becomes the next segment's file (blocks already allocated, no extra writes).
   * `zero-fill`: also fill a fresh next file with zeros in the background (costs the same bytes
   * again in disk bandwidth and system CPU; see docs/adr/0004-log-engine.md). `off`: plain appends.
   */
  preallocate?: PreallocateMode;
  /** Forget an idempotent producer after this long without writes. Default 1 day. */
  producerExpirationMs?: number;
  /**
   * Bytes of each partition's newest durable batches kept in memory, so a consumer at the end of
   * the log is answered without a file read. Default 1 MiB; 0 turns the cache off.
   */
  tailCacheBytes?: number;
  /**
   * Most memory one compaction round's key map may take (estimated: key bytes + 64 per key), as
   * Kafka's `log.cleaner.dedupe.buffer.size`. A partition with more distinct keys is compacted over
   * several rounds. Default 128 MiB.
   */
  compactionMapBytes?: number;
  /** Check every batch's CRC on read, not only its framing. Default false (costs CPU per byte read). */
  verifyChecksumsOnRead?: boolean;
  /** Metrics hooks. */
  observer?: LogObserver;
}

/** Options with every default filled in. */
export type ResolvedEmbeddedLogOptions = Required<Omit<EmbeddedLogOptions, 'observer'>> & {
  observer: LogObserver;
};

const FSYNC: readonly FsyncPolicy[] = ['always', 'interval', 'never'];

function positiveInt(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `${name} must be an integer in 1..${max}, got ${value}`,
    });
  }
  return value;
}

function nonNegativeInt(name: string, value: number, max: number): number {
  return value === 0 ? 0 : positiveInt(name, value, max);
}

/** Fills defaults and validates; throws `SY_ERR_CONFIG_INVALID` with a reason a person can act on. */
export function resolveEmbeddedLogOptions(options: EmbeddedLogOptions): ResolvedEmbeddedLogOptions {
  if (typeof options.dataDir !== 'string' || options.dataDir === '') {
    throw syError('SY_ERR_CONFIG_INVALID', { reason: 'dataDir is required' });
  }
  const fsync = options.fsync ?? 'always';
  if (!FSYNC.includes(fsync)) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `fsync must be one of ${FSYNC.join(', ')}, got ${fsync}`,
    });
  }
  const preallocate = options.preallocate ?? 'recycle';
  if (!PREALLOCATE.includes(preallocate)) {
    throw syError('SY_ERR_CONFIG_INVALID', {
      reason: `preallocate must be one of ${PREALLOCATE.join(', ')}, got ${preallocate}`,
    });
  }
  return {
    dataDir: options.dataDir,
    fsync,
    fsyncIntervalMs: positiveInt('fsyncIntervalMs', options.fsyncIntervalMs ?? 50),
    indexIntervalBytes: positiveInt('indexIntervalBytes', options.indexIntervalBytes ?? 4096, 1 << 24),
    preallocate,
    producerExpirationMs: positiveInt('producerExpirationMs', options.producerExpirationMs ?? 86_400_000),
    tailCacheBytes: nonNegativeInt('tailCacheBytes', options.tailCacheBytes ?? 1 << 20, 1 << 30),
    compactionMapBytes: positiveInt('compactionMapBytes', options.compactionMapBytes ?? 128 << 20),
    verifyChecksumsOnRead: options.verifyChecksumsOnRead ?? false,
    observer: options.observer ?? {},
  };
}

/** Largest segment the engine accepts: file positions are stored as 32-bit integers. */
export const MAX_SEGMENT_BYTES = 1 << 30;
