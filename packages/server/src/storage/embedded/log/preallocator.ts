import fs from 'node:fs';
import { join } from 'node:path';
import { datasync, segmentFileName, syncDir } from './file-io.ts';
import { OffsetIndex } from './offset-index.ts';
import type { PreallocateMode } from './options.ts';
import { Segment } from './segment.ts';
import { TimeIndex } from './time-index.ts';

/** Name of the zero-filled file waiting to become the next segment. */
export const PREALLOC_FILE = 'next.prealloc';
const CHUNK = 4 << 20;
let zeros: Buffer | null = null;

function writeZeros(fd: number, position: number, length: number): Promise<void> {
  zeros ??= Buffer.alloc(CHUNK);
  return new Promise((resolve, reject) =>
    fs.write(fd, zeros!, 0, length, position, (err) => (err ? reject(err) : resolve())),
  );
}

/**
 * Prepares the next segment's file so appends overwrite allocated blocks and fdatasync has no
 * block allocation to journal (DESIGN.md §7). `recycle` reuses the file of a segment deleted by
 * retention; `zero-fill` also fills a fresh file with zeros in libuv's thread pool (4 MiB writes,
 * stopped at once when the segment is needed early). Recovery never mistakes a recycled file's old
 * batches for data: their offsets are below the segment's.
 */
export class Preallocator {
  readonly #path: string;
  #capacity: number;
  readonly #mode: PreallocateMode;
  #job: Promise<void> | null = null;
  #cancelled = false;

  constructor(dir: string, capacity: number, mode: PreallocateMode) {
    this.#path = join(dir, PREALLOC_FILE);
    this.#capacity = capacity;
    this.#mode = mode;
  }

  /** Sets the size of files filled from now on. */
  set capacity(bytes: number) {
    this.#capacity = bytes;
  }

  /** Starts filling the next file unless one is being filled. */
  start(): void {
    if (this.#mode !== 'zero-fill' || this.#job !== null) return;
    this.#cancelled = false;
    const capacity = this.#capacity;
    this.#job = (async () => {
      let fd = -1;
      try {
        fd = fs.openSync(this.#path, fs.constants.O_RDWR | fs.constants.O_CREAT);
        let pos = fs.fstatSync(fd).size;
        while (pos < capacity && !this.#cancelled) {
          const n = Math.min(CHUNK, capacity - pos);
          await writeZeros(fd, pos, n);
          pos += n;
        }
        if (!this.#cancelled) await datasync(fd);
      } catch {
        // A full or unwritable disk: the next segment starts as an ordinary file and its writes report the error.
        fs.rmSync(this.#path, { force: true });
      } finally {
        if (fd >= 0) fs.closeSync(fd);
      }
    })();
  }

  /** Stops any fill and moves the (possibly partly) filled file to `target`; false if there is none. */
  async takeAs(target: string): Promise<boolean> {
    if (this.#mode === 'off') return false;
    this.#cancelled = true;
    await this.#job;
    this.#job = null;
    try {
      fs.renameSync(this.#path, target);
      return true;
    } catch {
      return false;
    }
  }

  /** Keeps the `.log` file of a deleted segment as the next segment's file; false if not wanted. */
  recycle(logPath: string): boolean {
    if (this.#mode === 'off' || this.#job !== null || fs.existsSync(this.#path)) return false;
    try {
      fs.renameSync(logPath, this.#path);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops any fill (on close). */
  async stop(): Promise<void> {
    this.#cancelled = true;
    await this.#job;
    this.#job = null;
  }
}

/** Creates a new, empty active segment at `baseOffset`, using the preallocated file when there is one. */
export async function createActiveSegment(
  dir: string,
  baseOffset: number,
  pre: Preallocator | null,
): Promise<Segment> {
  const logPath = join(dir, segmentFileName(baseOffset, '.log'));
  const flags = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC;
  const fds: number[] = [];
  try {
    fds.push(fs.openSync(join(dir, segmentFileName(baseOffset, '.index')), flags));
    fds.push(fs.openSync(join(dir, segmentFileName(baseOffset, '.timeindex')), flags));
    const reused = pre !== null && (await pre.takeAs(logPath));
    fds.push(fs.openSync(logPath, reused ? fs.constants.O_RDWR : flags));
    await syncDir(dir);
  } catch (err) {
    for (const fd of fds) fs.closeSync(fd);
    throw err;
  }
  const [indexFd, timeFd, fd] = fds as [number, number, number];
  return new Segment({
    dir,
    baseOffset,
    fd,
    size: 0,
    nextOffset: baseOffset,
    maxTimestamp: -1,
    capacity: fs.fstatSync(fd).size,
    index: new OffsetIndex(),
    timeIndex: new TimeIndex(),
    indexFd,
    timeFd,
    bytesSinceIndex: 0,
  });
}
