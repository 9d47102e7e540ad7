import fs from 'node:fs';
import { join } from 'node:path';
import {
  BATCH_HEADER_SIZE,
  type BatchHeader,
  batchProblem,
  forEachRecord,
  syError,
} from '@switchyard/protocol';
import { BatchCursor } from './batch-cursor.ts';
import { datasync, readInto, segmentFileName } from './file-io.ts';
import { OffsetIndex } from './offset-index.ts';
import type { ReadBufferPool } from './read-buffer-pool.ts';
import { TIME_INDEX_ENTRY, TimeIndex } from './time-index.ts';

/** What a segment knows when it is constructed (by creation, by opening, or by recovery). */
export interface SegmentInit {
  dir: string;
  baseOffset: number;
  fd: number;
  size: number;
  nextOffset: number;
  maxTimestamp: number;
  capacity: number;
  index: OffsetIndex | null;
  timeIndex: TimeIndex | null;
  /** Open index files of the active segment; -1 for a sealed one. */
  indexFd: number;
  timeFd: number;
  bytesSinceIndex: number;
}

/** Whole batches read from one segment and the offset after them. */
export interface SegmentRead {
  data: Buffer;
  nextOffset: number;
  /** Hands the buffer under `data` back to the read pool, when it came from there. */
  release?: () => void;
}

/**
 * One segment of a partition log: a `.log` file of batches with its `.index` and `.timeindex`.
 * `size` and `nextOffset` cover only durable data; readers never see bytes beyond them. Files stay
 * open while readers hold a reference, so retention and compaction can replace a segment under a read.
 */
export class Segment {
  readonly baseOffset: number;
  readonly dir: string;
  readonly fd: number;
  size: number;
  nextOffset: number;
  maxTimestamp: number;
  /** Newest timestamp of the segment's first batch (what `segmentMs` is measured from); -1 when empty. */
  firstTimestamp = -1;
  capacity: number;
  #index: OffsetIndex | null;
  #timeIndex: TimeIndex | null;
  #indexLoad: Promise<void> | null = null;
  #indexFd: number;
  #timeFd: number;
  #bytesSinceIndex: number;
  #refs = 0;
  #retired = false;

  constructor(init: SegmentInit) {
    this.dir = init.dir;
    this.baseOffset = init.baseOffset;
    this.fd = init.fd;
    this.size = init.size;
    this.nextOffset = init.nextOffset;
    this.maxTimestamp = init.maxTimestamp;
    this.capacity = init.capacity;
    this.#index = init.index;
    this.#timeIndex = init.timeIndex;
    this.#indexFd = init.indexFd;
    this.#timeFd = init.timeFd;
    this.#bytesSinceIndex = init.bytesSinceIndex;
  }

  /** Path of one of this segment's files (`.log`, `.index`, `.timeindex`). */
  path(ext: string): string {
    return join(this.dir, segmentFileName(this.baseOffset, ext));
  }

  /** True while the segment takes appends. */
  get active(): boolean {
    return this.#indexFd >= 0;
  }

  /** Books batches just made durable at `position` (headers in order) into size and indexes. */
  noteWritten(headers: readonly BatchHeader[], position: number, indexInterval: number): void {
    const index = this.#index!;
    const time = this.#timeIndex!;
    if (position === 0 && headers.length > 0) this.firstTimestamp = headers[0]!.maxTimestamp;
    for (const h of headers) {
      if (this.#bytesSinceIndex >= indexInterval) {
        const rel = h.baseOffset - this.baseOffset;
        index.append(rel, position);
        if (this.maxTimestamp > time.lastTimestamp) time.append(this.maxTimestamp, rel);
        this.#bytesSinceIndex = 0;
      }
      this.#bytesSinceIndex += h.size;
      if (h.maxTimestamp > this.maxTimestamp) this.maxTimestamp = h.maxTimestamp;
      position += h.size;
      this.nextOffset = h.baseOffset + h.lastOffsetDelta + 1;
    }
    this.size = position;
  }

  /**
   * Writes index entries not yet in their files (page cache only: indexes are rebuilt on recovery).
   * Never throws: entries that cannot be written now (a full disk) stay pending for the next call.
   */
  persistIndexes(): void {
    try {
      this.#persistIndexes();
    } catch {
      // Recovery rebuilds whatever the files lack; the data itself is already durable.
    }
  }

  #persistIndexes(): void {
    const index = this.#index!;
    const time = this.#timeIndex!;
    // Time entries first: recovery keeps a time entry only up to the last offset entry it trusts.
    if (time.persisted < time.count) {
      fs.writeSync(
        this.#timeFd,
        time.encode(time.persisted),
        0,
        undefined,
        time.persisted * TIME_INDEX_ENTRY,
      );
      time.persisted = time.count;
    }
    if (index.persisted < index.count) {
      fs.writeSync(this.#indexFd, index.encode(index.persisted), 0, undefined, index.persisted * 8);
      index.persisted = index.count;
    }
  }

  /** The in-memory indexes (for rebuilding their files). */
  indexesForRebuild(): { index: OffsetIndex; time: TimeIndex } {
    return { index: this.#index!, time: this.#timeIndex! };
  }

  /** Stops appends: final time entry, trims the preallocated tail, syncs everything, closes index files. */
  async seal(): Promise<void> {
    if (!this.active) return;
    const time = this.#timeIndex!;
    if (this.maxTimestamp > time.lastTimestamp)
      time.append(this.maxTimestamp, this.nextOffset - this.baseOffset);
    // Here a failure must surface: a sealed segment's indexes are trusted without a walk.
    this.#persistIndexes();
    fs.ftruncateSync(this.fd, this.size);
    await Promise.all([datasync(this.fd), datasync(this.#indexFd), datasync(this.#timeFd)]);
    fs.closeSync(this.#indexFd);
    fs.closeSync(this.#timeFd);
    this.#indexFd = -1;
    this.#timeFd = -1;
    this.capacity = this.size;
  }

  /** Flushes index files of the active segment (clean shutdown) and syncs the log. */
  async flush(): Promise<void> {
    if (!this.active) return;
    this.#persistIndexes();
    await Promise.all([datasync(this.fd), datasync(this.#indexFd), datasync(this.#timeFd)]);
  }

  async #indexes(): Promise<OffsetIndex> {
    if (this.#index !== null) return this.#index;
    this.#indexLoad ??= (async () => {
      const [idx, time] = await Promise.all([
        fs.promises.readFile(this.path('.index')).catch(() => Buffer.alloc(0)),
        fs.promises.readFile(this.path('.timeindex')).catch(() => Buffer.alloc(0)),
      ]);
      const index = OffsetIndex.decode(idx);
      if (index.count > 0 && index.lastPosition >= this.size) index.truncate(0);
      this.#timeIndex = TimeIndex.decode(time);
      this.#index = index;
    })();
    await this.#indexLoad;
    return this.#index!;
  }

  #corrupt(reason: string): Error {
    return syError('SY_ERR_STORAGE_CORRUPT', { reason: `${this.path('.log')}: ${reason}` });
  }

  /** Framing of the batch at `buf[p]` (file position `filePos`); throws STORAGE_CORRUPT when implausible. */
  #frame(buf: Buffer, p: number, filePos: number, prevEnd: number): number {
    const size = buf.readInt32BE(p + 8) + 12;
    const base = buf.readInt32BE(p) * 4294967296 + buf.readUInt32BE(p + 4);
    if (size < BATCH_HEADER_SIZE || buf[p + 16] !== 2 || filePos + size > this.size) {
      throw this.#corrupt(`bad batch framing at byte ${filePos}`);
    }
    // baseOffset lies outside the CRC: keep it inside the segment's range and in order.
    if (base < prevEnd || base + buf.readInt32BE(p + 23) >= this.nextOffset) {
      throw this.#corrupt(`batch at byte ${filePos} has offset ${base}`);
    }
    return size;
  }

  /** Whole batches from the one holding `offset` on, about `maxBytes`; null when no record here is >= offset. */
  async read(
    offset: number,
    maxBytes: number,
    verify: boolean,
    interval: number,
    pool: ReadBufferPool,
  ): Promise<SegmentRead | null> {
    if (offset >= this.nextOffset) return null;
    const index = await this.#indexes();
    const size = this.size;
    let pos = index.lookup(offset - this.baseOffset);
    let prevEnd = this.baseOffset;
    let want = Math.max(maxBytes, 1) + interval + 4096;
    for (;;) {
      if (pos >= size) return null;
      const length = Math.min(want, size - pos);
      const lease = pool.take(length);
      let buf: Buffer;
      try {
        buf = lease.buf.subarray(0, await readInto(this.fd, lease.buf, 0, length, pos));
      } catch (err) {
        lease.release?.();
        throw err;
      }
      let p = 0;
      let start = -1;
      let firstSize = 0;
      while (p + BATCH_HEADER_SIZE <= buf.length) {
        firstSize = this.#frame(buf, p, pos + p, prevEnd);
        const last = buf.readInt32BE(p) * 4294967296 + buf.readUInt32BE(p + 4) + buf.readInt32BE(p + 23);
        if (last >= offset) {
          start = p;
          break;
        }
        prevEnd = last + 1;
        p += firstSize;
      }
      if (start < 0 || start + firstSize > buf.length) {
        lease.release?.();
        if (pos + p >= size) return null;
        pos += p;
        want = Math.max(want, start < 0 ? 0 : firstSize);
        continue;
      }
      let q = start;
      let next = offset;
      while (q + BATCH_HEADER_SIZE <= buf.length) {
        const n = q === start ? firstSize : this.#frame(buf, q, pos + q, prevEnd);
        if (q + n > buf.length || (q > start && q + n - start > maxBytes)) break;
        if (verify) {
          const problem = batchProblem(buf, q, q + n);
          if (problem !== null) {
            lease.release?.();
            throw this.#corrupt(problem);
          }
        }
        next = buf.readInt32BE(q) * 4294967296 + buf.readUInt32BE(q + 4) + buf.readInt32BE(q + 23) + 1;
        prevEnd = next;
        q += n;
      }
      const read: SegmentRead = { data: buf.subarray(start, q), nextOffset: next };
      if (lease.release !== undefined) read.release = lease.release;
      return read;
    }
  }

  /** File position of the indexed batch at or before `offset` (a place to start walking). */
  async positionFor(offset: number): Promise<number> {
    return (await this.#indexes()).lookup(offset - this.baseOffset);
  }

  /** The first offset here whose record timestamp is >= `timestamp`, or null. */
  async findTimestamp(timestamp: number): Promise<number | null> {
    if (this.maxTimestamp < timestamp) return null;
    const index = await this.#indexes();
    const rel = this.#timeIndex!.scanStart(timestamp);
    const cursor = new BatchCursor(this.fd, index.lookup(rel), this.size, false);
    let found: number | null = null;
    while (found === null && (await cursor.next())) {
      if (
        cursor.buf.readInt32BE(cursor.pos + 35) * 4294967296 + cursor.buf.readUInt32BE(cursor.pos + 39) <
        timestamp
      ) {
        continue;
      }
      forEachRecord(cursor.buf, cursor.pos, (r) => {
        if (found === null && r.timestamp >= timestamp) found = r.offset;
      });
    }
    if (cursor.stop === 'corrupt') throw this.#corrupt(cursor.problem);
    return found;
  }

  /** Takes a reference that keeps the files open. */
  acquire(): void {
    this.#refs++;
  }

  /** Drops a reference; closes the files if the segment was retired meanwhile. */
  release(): void {
    this.#refs--;
    if (this.#retired && this.#refs === 0) this.#closeFds();
  }

  /** Closes the files once no reader holds them. */
  retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    if (this.#refs === 0) this.#closeFds();
  }

  /** Deletes the segment's files (open readers keep working on the unlinked files); the log too unless recycled. */
  async remove(keepLog = false): Promise<void> {
    this.retire();
    const exts = keepLog ? ['.index', '.timeindex'] : ['.log', '.index', '.timeindex'];
    await Promise.all(exts.map((ext) => fs.promises.rm(this.path(ext), { force: true })));
  }

  #closeFds(): void {
    for (const fd of [this.fd, this.#indexFd, this.#timeFd]) if (fd >= 0) fs.closeSync(fd);
    this.#indexFd = -1;
    this.#timeFd = -1;
  }
}
