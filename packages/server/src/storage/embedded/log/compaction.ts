import fs from 'node:fs';
import { join } from 'node:path';
import { BATCH_HEADER_SIZE, crc32c, readBatchHeader, VarintReader } from '@switchyard/protocol';
import { BatchCursor } from './batch-cursor.ts';
import { datasync, exists, segmentFileName, syncDir } from './file-io.ts';
import { OffsetIndex } from './offset-index.ts';
import { openSealedSegment } from './recovery.ts';
import { Segment } from './segment.ts';
import { TimeIndex } from './time-index.ts';

type RecordVisitor = (
  start: number,
  end: number,
  offset: number,
  timestamp: number,
  key: string | null,
  tomb: boolean,
) => void;

/** Visits every record of the (valid) batch at `pos` with its raw byte span, key (latin1) and tombstone flag. */
function visitRecords(buf: Buffer, pos: number, visit: RecordVisitor): void {
  const size = buf.readInt32BE(pos + 8) + 12;
  const base = buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
  const baseTs = buf.readInt32BE(pos + 27) * 4294967296 + buf.readUInt32BE(pos + 31);
  const count = buf.readInt32BE(pos + 57);
  const r = new VarintReader(buf, pos + BATCH_HEADER_SIZE, pos + size);
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const length = r.read();
    const end = r.pos + length;
    r.pos += 1;
    const timestamp = baseTs + r.read();
    const offset = base + r.read();
    const keyLength = r.read();
    const key = keyLength < 0 ? null : buf.toString('latin1', r.pos, r.pos + keyLength);
    r.pos += Math.max(keyLength, 0);
    const tomb = r.read() < 0;
    visit(start, end, offset, timestamp, key, tomb);
    r.pos = end;
  }
}

/** The latest offset of each key over the records `[from, coveredUpTo)` of a partition. */
export interface KeyOffsets {
  latest: Map<string, number>;
  /** First offset the map does not cover (the partition's end when it covers everything). */
  coveredUpTo: number;
}

/** Estimated memory of one key in the map: the string and its Map entry. */
const entryBytes = (key: string) => key.length + 64;

/**
 * The offset of the latest record of every key from offset `from` on (durable data only), until
 * the map's estimated size would pass `maxBytes` (Kafka's cleaner dedupe buffer): then the map
 * covers the records before the first key that did not fit, and a later round goes on from there.
 * At least one key is always taken, so every round makes progress.
 */
export async function latestOffsets(
  segments: readonly Segment[],
  from = 0,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<KeyOffsets> {
  const latest = new Map<string, number>();
  let bytes = 0;
  let full = -1;
  for (const seg of segments) {
    if (seg.nextOffset <= from) continue;
    seg.acquire();
    try {
      const cursor = new BatchCursor(seg.fd, 0, seg.size, false);
      while (full < 0 && (await cursor.next())) {
        visitRecords(cursor.buf, cursor.pos, (_s, _e, offset, _t, key) => {
          if (full >= 0 || offset < from || key === null) return;
          if (!latest.has(key)) {
            const size = entryBytes(key);
            if (bytes + size > maxBytes && latest.size > 0) {
              full = offset;
              return;
            }
            bytes += size;
          }
          latest.set(key, offset);
        });
      }
    } finally {
      seg.release();
    }
    if (full >= 0) return { latest, coveredUpTo: full };
  }
  return { latest, coveredUpTo: segments[segments.length - 1]?.nextOffset ?? from };
}

/** Lowest timestamp of the tombstones a compaction kept (when the next clean can drop one). */
export interface KeptTombstones {
  earliest: number;
}

/** How one segment is compacted. */
export interface CompactionOptions {
  /** Tombstones with a timestamp below this are dropped. */
  tombstoneBefore: number;
  /** Index interval of the rewritten segment's `.index`. */
  interval: number;
  /** Lowered to the timestamp of every tombstone kept. */
  kept?: KeptTombstones;
  /** Records at or past this offset are kept: the key map does not cover them. Default: all covered. */
  coveredUpTo?: number;
  /** Tests only: throw after this step to simulate a crash there. */
  crashAfter?: CompactionStep;
}

/**
 * The segment's batches without superseded records and expired tombstones; null when nothing would
 * change. Below `coveredUpTo` a keyed record goes when the map has a later offset for its key, and a
 * tombstone when it expired; a key the map lacks was deduplicated by an earlier round (its latest
 * record before the map's range is the one left).
 */
async function cleanedBatches(
  seg: Segment,
  latest: Map<string, number>,
  tombstoneBefore: number,
  kept: KeptTombstones,
  coveredUpTo: number,
): Promise<Buffer[] | null> {
  const out: Buffer[] = [];
  let changed = false;
  const keep: number[] = [];
  const cursor = new BatchCursor(seg.fd, 0, seg.size, false);
  while (await cursor.next()) {
    const { buf, pos, size } = cursor;
    keep.length = 0;
    let count = 0;
    visitRecords(buf, pos, (start, end, offset, timestamp, key, tomb) => {
      count++;
      const gone =
        key !== null &&
        offset < coveredUpTo &&
        ((latest.get(key) ?? offset) > offset || (tomb && timestamp < tombstoneBefore));
      if (!gone) {
        keep.push(start, end);
        if (tomb && timestamp < kept.earliest) kept.earliest = timestamp;
      }
    });
    if (keep.length === count * 2) {
      out.push(Buffer.from(buf.subarray(pos, pos + size)));
      continue;
    }
    changed = true;
    if (keep.length === 0) continue;
    let bytes = BATCH_HEADER_SIZE;
    for (let i = 0; i < keep.length; i += 2) bytes += keep[i + 1]! - keep[i]!;
    // Same base offset, lastOffsetDelta and timestamps: offsets and producer sequences are unchanged.
    const batch = Buffer.allocUnsafe(bytes);
    buf.copy(batch, 0, pos, pos + BATCH_HEADER_SIZE);
    let at = BATCH_HEADER_SIZE;
    for (let i = 0; i < keep.length; i += 2) at += buf.copy(batch, at, keep[i]!, keep[i + 1]!);
    batch.writeInt32BE(bytes - 12, 8);
    batch.writeInt32BE(keep.length / 2, 57);
    batch.writeUInt32BE(crc32c(batch, 21, bytes), 17);
    out.push(batch);
  }
  if (cursor.stop !== 'end') throw new Error(`cannot compact ${seg.path('.log')}: ${cursor.problem}`);
  return changed ? out : null;
}

async function writeSynced(path: string, data: Buffer | Buffer[]): Promise<void> {
  const fd = fs.openSync(path, 'w');
  try {
    const parts = Array.isArray(data) ? data : [data];
    let pos = 0;
    for (const part of parts) pos += fs.writeSync(fd, part, 0, part.length, pos);
    await datasync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Rewrites one sealed segment keeping the latest record per key (offsets and order unchanged) and
 * dropping tombstones older than `tombstoneBefore`. Crash-safe: new files are written as
 * `.cleaned` and synced, the indexes renamed to `.swap`, then the log to `.swap` (the commit
 * point), then all three over the originals; `completeSwaps` finishes or discards this on open.
 * Returns the new segment, or null when nothing changed.
 */
export async function compactSegment(
  seg: Segment,
  latest: Map<string, number>,
  options: CompactionOptions,
): Promise<Segment | null> {
  const { tombstoneBefore, interval, crashAfter } = options;
  const step = (name: CompactionStep) => {
    if (crashAfter === name) throw new Error(`simulated crash after ${name}`);
  };
  seg.acquire();
  let batches: Buffer[] | null;
  try {
    batches = await cleanedBatches(
      seg,
      latest,
      tombstoneBefore,
      options.kept ?? { earliest: 0 },
      options.coveredUpTo ?? Number.POSITIVE_INFINITY,
    );
  } finally {
    seg.release();
  }
  if (batches === null) return null;
  const scratch = new Segment({
    ...{
      dir: seg.dir,
      baseOffset: seg.baseOffset,
      fd: -1,
      size: 0,
      nextOffset: seg.baseOffset,
      maxTimestamp: -1,
    },
    ...{
      capacity: 0,
      index: new OffsetIndex(),
      timeIndex: new TimeIndex(),
      indexFd: -1,
      timeFd: -1,
      bytesSinceIndex: 0,
    },
  });
  let position = 0;
  for (const b of batches) {
    scratch.noteWritten([readBatchHeader(b, 0)], position, interval);
    position += b.length;
  }
  const { index, time } = scratch.indexesForRebuild();
  if (scratch.maxTimestamp > time.lastTimestamp)
    time.append(scratch.maxTimestamp, seg.nextOffset - seg.baseOffset);
  const path = (ext: string) => join(seg.dir, segmentFileName(seg.baseOffset, ext));
  await writeSynced(path('.log.cleaned'), batches);
  step('log-written');
  await writeSynced(path('.index.cleaned'), index.encode());
  await writeSynced(path('.timeindex.cleaned'), time.encode());
  step('indexes-written');
  fs.renameSync(path('.index.cleaned'), path('.index.swap'));
  step('index-swap');
  fs.renameSync(path('.timeindex.cleaned'), path('.timeindex.swap'));
  await syncDir(seg.dir);
  step('indexes-swap');
  fs.renameSync(path('.log.cleaned'), path('.log.swap'));
  await syncDir(seg.dir);
  step('committed');
  await completeSwaps(seg.dir, crashAfter === 'index-replaced' ? step : undefined);
  step('replaced');
  return openSealedSegment(seg.dir, seg.baseOffset, seg.nextOffset, interval);
}

/** Steps of a compaction swap after which the tests simulate a crash. */
export type CompactionStep =
  | 'log-written'
  | 'indexes-written'
  | 'index-swap'
  | 'indexes-swap'
  | 'committed'
  | 'index-replaced'
  | 'replaced';

/** Finishes committed compaction swaps (a `.log.swap` exists) and discards uncommitted ones. */
export async function completeSwaps(dir: string, step?: (name: CompactionStep) => void): Promise<void> {
  const names = await fs.promises.readdir(dir);
  let touched = false;
  for (const name of names) {
    if (name.endsWith('.cleaned')) {
      fs.rmSync(join(dir, name), { force: true });
      touched = true;
    }
  }
  for (const name of names) {
    if (!name.endsWith('.log.swap')) continue;
    const stem = join(dir, name.slice(0, -'.log.swap'.length));
    for (const ext of ['.index', '.timeindex']) {
      if (await exists(`${stem}${ext}.swap`)) fs.renameSync(`${stem}${ext}.swap`, `${stem}${ext}`);
      step?.('index-replaced');
    }
    fs.renameSync(`${stem}.log.swap`, `${stem}.log`);
    touched = true;
  }
  for (const name of await fs.promises.readdir(dir)) {
    if (name.endsWith('.index.swap') || name.endsWith('.timeindex.swap')) {
      fs.rmSync(join(dir, name), { force: true });
      touched = true;
    }
  }
  if (touched) await syncDir(dir);
}
