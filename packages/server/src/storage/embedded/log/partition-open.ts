import fs from 'node:fs';
import { join } from 'node:path';
import { BATCH_HEADER_SIZE, isSwitchyardError, syError } from '@switchyard/protocol';
import type { PartitionLogConfig } from '../../log-store.ts';
import { ProducerStateTable } from '../../producer-state.ts';
import { storageError } from '../storage-error.ts';
import { completeSwaps } from './compaction.ts';
import { MAX_SEGMENT_BYTES, type ResolvedEmbeddedLogOptions } from './options.ts';
import { EmbeddedPartitionLog } from './partition-log.ts';
import { createActiveSegment, Preallocator } from './preallocator.ts';
import { restoreProducerState } from './producer-snapshot.ts';
import type { ReadBufferPool } from './read-buffer-pool.ts';
import { openSealedSegment, recoverActiveSegment } from './recovery.ts';
import type { Segment } from './segment.ts';

const SEGMENT_LOG = /^(\d{20})\.log$/;
const SEGMENT_INDEX = /^(\d{20})\.(?:index|timeindex)$/;

/** Checks a partition config; throws `SY_ERR_CONFIG_INVALID` naming the bad field. */
export function validatePartitionConfig(config: PartitionLogConfig): void {
  const bad = (reason: string) => syError('SY_ERR_CONFIG_INVALID', { reason });
  const { segmentBytes, segmentMs, retentionMs, retentionBytes, cleanupPolicy, deleteRetentionMs } = config;
  if (
    !Number.isInteger(segmentBytes) ||
    segmentBytes < BATCH_HEADER_SIZE ||
    segmentBytes > MAX_SEGMENT_BYTES
  ) {
    throw bad(
      `segmentBytes must be an integer in ${BATCH_HEADER_SIZE}..${MAX_SEGMENT_BYTES}, got ${segmentBytes}`,
    );
  }
  if (segmentMs !== null && !(Number.isFinite(segmentMs) && segmentMs > 0)) {
    throw bad(`segmentMs must be > 0 or null, got ${segmentMs}`);
  }
  if (retentionMs !== null && !(Number.isFinite(retentionMs) && retentionMs >= 0)) {
    throw bad(`retentionMs must be >= 0 or null, got ${retentionMs}`);
  }
  if (retentionBytes !== null && !(Number.isFinite(retentionBytes) && retentionBytes >= 0)) {
    throw bad(`retentionBytes must be >= 0 or null, got ${retentionBytes}`);
  }
  if (!['delete', 'compact', 'compact,delete'].includes(cleanupPolicy)) {
    throw bad(`cleanupPolicy must be delete, compact or compact,delete, got ${cleanupPolicy}`);
  }
  if (!(Number.isFinite(deleteRetentionMs) && deleteRetentionMs >= 0)) {
    throw bad(`deleteRetentionMs must be >= 0, got ${deleteRetentionMs}`);
  }
}

/**
 * Opens one partition directory: finishes or discards an interrupted compaction, opens the sealed
 * segments from their file sizes and index tails (no scan), recovers the active segment's tail,
 * and restores producer state from the newest snapshot plus the batches after it.
 */
export async function openPartition(
  options: ResolvedEmbeddedLogOptions,
  stream: string,
  partition: number,
  config: PartitionLogConfig,
  readBuffers: ReadBufferPool,
): Promise<EmbeddedPartitionLog> {
  validatePartitionConfig(config);
  const dir = join(options.dataDir, 'logs', stream, String(partition));
  const interval = options.indexIntervalBytes;
  const segments: Segment[] = [];
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    await completeSwaps(dir);
    const names = await fs.promises.readdir(dir);
    const bases = names
      .map((n) => SEGMENT_LOG.exec(n)?.[1])
      .filter((b): b is string => b !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    // Index files whose log was deleted (a crash in the middle of retention) would linger forever.
    for (const n of names) {
      const orphan = SEGMENT_INDEX.exec(n);
      if (orphan !== null && !names.includes(`${orphan[1]}.log`))
        await fs.promises.rm(join(dir, n), { force: true });
    }
    const preallocator = new Preallocator(dir, config.segmentBytes, options.preallocate);
    if (bases.length === 0) {
      segments.push(await createActiveSegment(dir, 0, preallocator));
    } else {
      for (let i = 0; i < bases.length - 1; i++) {
        segments.push(await openSealedSegment(dir, bases[i]!, bases[i + 1]!, interval));
      }
      const report = await recoverActiveSegment(dir, bases[bases.length - 1]!, interval);
      segments.push(report.segment);
      if (report.truncatedAt >= 0) options.observer.onRecovery?.(stream, partition, report.truncatedAt);
    }
    const producers = new ProducerStateTable();
    const end = segments[segments.length - 1]!.nextOffset;
    await restoreProducerState(dir, producers, segments, end, Date.now());
    producers.expire(Date.now(), options.producerExpirationMs);
    return new EmbeddedPartitionLog({
      stream,
      partition,
      dir,
      config,
      options,
      segments,
      producers,
      preallocator,
      readBuffers,
    });
  } catch (err) {
    for (const s of segments) s.retire();
    if (isSwitchyardError(err)) throw err;
    throw storageError(err, `open ${stream}/${partition}`);
  }
}
