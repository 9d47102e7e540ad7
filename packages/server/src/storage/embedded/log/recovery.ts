import fs from 'node:fs';
import { join } from 'node:path';
import { BATCH_HEADER_SIZE, batchProblem, readBatchHeader } from '@switchyard/protocol';
import { BatchCursor } from './batch-cursor.ts';
import { datasync, readAt, segmentFileName } from './file-io.ts';
import { OFFSET_INDEX_ENTRY, OffsetIndex } from './offset-index.ts';
import { Segment } from './segment.ts';
import { TIME_INDEX_ENTRY, TimeIndex } from './time-index.ts';

/** What recovery found at the end of the active segment. */
export interface RecoveryReport {
  segment: Segment;
  /** Position where a torn, corrupt or stale tail was cut off, or -1 for a clean end. */
  truncatedAt: number;
}

async function readOrEmpty(path: string): Promise<Buffer> {
  return fs.promises.readFile(path).catch(() => Buffer.alloc(0));
}

/** True if the batch at `pos` is valid and starts at `offset` (one pread of the batch). */
async function batchIsValid(fd: number, pos: number, offset: number, fileSize: number): Promise<boolean> {
  const head = await readAt(fd, pos, 12);
  if (head.length < 12) return false;
  const size = head.readInt32BE(8) + 12;
  if (size < 61 || pos + size > fileSize) return false;
  const buf = await readAt(fd, pos, size);
  if (buf.length < size || batchProblem(buf, 0) !== null) return false;
  return readBatchHeader(buf, 0).baseOffset === offset;
}

/**
 * Opens the active (last) segment after a crash or a clean stop. Trusts the sparse index up to its
 * last entry that still points at a valid batch, then walks batches from there with full checks
 * (framing, CRC, record bounds, contiguous offsets): preallocated zeros, a torn or corrupt batch, or a
 * stale batch of a recycled file ends the log. Whatever follows is cut (truncate, then re-extend
 * as a hole) so it can never be mistaken for data later. Cost: one segment tail, not the whole log.
 */
export async function recoverActiveSegment(
  dir: string,
  baseOffset: number,
  interval: number,
): Promise<RecoveryReport> {
  const logPath = join(dir, segmentFileName(baseOffset, '.log'));
  const fd = fs.openSync(logPath, 'r+');
  const fileSize = fs.fstatSync(fd).size;
  const index = OffsetIndex.decode(await readOrEmpty(join(dir, segmentFileName(baseOffset, '.index'))));
  const time = TimeIndex.decode(await readOrEmpty(join(dir, segmentFileName(baseOffset, '.timeindex'))));
  while (index.count > 0) {
    if (
      index.lastPosition < fileSize &&
      (await batchIsValid(fd, index.lastPosition, baseOffset + index.lastRel, fileSize))
    )
      break;
    index.truncate(index.count - 1);
  }
  time.truncateAfter(index.lastRel);
  const start = index.lastPosition;
  const indexFd = fs.openSync(
    join(dir, segmentFileName(baseOffset, '.index')),
    fs.constants.O_RDWR | fs.constants.O_CREAT,
  );
  const timeFd = fs.openSync(
    join(dir, segmentFileName(baseOffset, '.timeindex')),
    fs.constants.O_RDWR | fs.constants.O_CREAT,
  );
  fs.ftruncateSync(indexFd, index.count * OFFSET_INDEX_ENTRY);
  fs.ftruncateSync(timeFd, time.count * TIME_INDEX_ENTRY);
  const segment = new Segment({
    dir,
    baseOffset,
    fd,
    size: start,
    nextOffset: baseOffset + index.lastRel,
    maxTimestamp: time.count > 0 ? time.lastTimestamp : -1,
    capacity: fileSize,
    index,
    timeIndex: time,
    indexFd,
    timeFd,
    bytesSinceIndex: 0,
  });
  const cursor = new BatchCursor(fd, start, fileSize, true);
  let stale = false;
  while (await cursor.next()) {
    const h = readBatchHeader(cursor.buf, cursor.pos);
    if (h.baseOffset !== segment.nextOffset) {
      stale = true;
      break;
    }
    segment.noteWritten([h], cursor.filePos, interval);
  }
  if (segment.size > 0 && start > 0) {
    // The walk began at the last index entry; the first batch says when the segment began.
    segment.firstTimestamp = readBatchHeader(await readAt(fd, 0, BATCH_HEADER_SIZE), 0).maxTimestamp;
  }
  let truncatedAt = -1;
  if (stale || cursor.stop !== 'end') {
    truncatedAt = segment.size;
    fs.ftruncateSync(fd, segment.size);
    fs.ftruncateSync(fd, fileSize);
    await datasync(fd);
  }
  segment.persistIndexes();
  return { segment, truncatedAt };
}

/** Opens a sealed segment: size from the file, newest timestamp from the last time-index entry. */
export async function openSealedSegment(
  dir: string,
  baseOffset: number,
  nextOffset: number,
  interval: number,
): Promise<Segment> {
  const fd = fs.openSync(join(dir, segmentFileName(baseOffset, '.log')), 'r');
  const size = fs.fstatSync(fd).size;
  const timePath = join(dir, segmentFileName(baseOffset, '.timeindex'));
  const indexPath = join(dir, segmentFileName(baseOffset, '.index'));
  let maxTimestamp = -1;
  let timeSize = -1;
  try {
    timeSize = fs.statSync(timePath).size;
    fs.statSync(indexPath);
  } catch {
    timeSize = -1;
  }
  if (timeSize >= TIME_INDEX_ENTRY) {
    const timeFd = fs.openSync(timePath, 'r');
    const last = await readAt(timeFd, timeSize - TIME_INDEX_ENTRY, TIME_INDEX_ENTRY).finally(() =>
      fs.closeSync(timeFd),
    );
    if (last.length === TIME_INDEX_ENTRY)
      maxTimestamp = last.readInt32BE(0) * 4294967296 + last.readUInt32BE(4);
  } else if (size > 0) {
    maxTimestamp = await rebuildSealedIndexes(dir, fd, baseOffset, size, interval);
  }
  return new Segment({
    dir,
    baseOffset,
    fd,
    size,
    nextOffset,
    maxTimestamp,
    capacity: size,
    index: null,
    timeIndex: null,
    indexFd: -1,
    timeFd: -1,
    bytesSinceIndex: 0,
  });
}

/** Rebuilds the index files of a sealed segment by walking it; returns its newest timestamp. */
export async function rebuildSealedIndexes(
  dir: string,
  fd: number,
  baseOffset: number,
  size: number,
  interval: number,
): Promise<number> {
  const scratch = new Segment({
    dir,
    baseOffset,
    fd,
    size: 0,
    nextOffset: baseOffset,
    maxTimestamp: -1,
    capacity: size,
    index: new OffsetIndex(),
    timeIndex: new TimeIndex(),
    indexFd: -1,
    timeFd: -1,
    bytesSinceIndex: 0,
  });
  const cursor = new BatchCursor(fd, 0, size, false);
  while (await cursor.next())
    scratch.noteWritten([readBatchHeader(cursor.buf, cursor.pos)], cursor.filePos, interval);
  const { index, time } = scratch.indexesForRebuild();
  if (scratch.maxTimestamp > time.lastTimestamp)
    time.append(scratch.maxTimestamp, scratch.nextOffset - baseOffset);
  await fs.promises.writeFile(join(dir, segmentFileName(baseOffset, '.index')), index.encode());
  await fs.promises.writeFile(join(dir, segmentFileName(baseOffset, '.timeindex')), time.encode());
  return scratch.maxTimestamp;
}
