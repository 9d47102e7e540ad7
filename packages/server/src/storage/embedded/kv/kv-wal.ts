/**
 * One write-ahead log file of the embedded KV. Appends go to an explicit position (so a truncated
 * torn tail is overwritten) through a descriptor opened with O_DSYNC, so each is durable when its
 * one write returns: one thread-pool job per group instead of a write and then an fdatasync, as
 * the log engine does (docs/adr/0004-log-engine.md). The store batches frames so one write covers
 * everything that arrived while the previous one ran (group commit).
 */
import { closeSync, constants, openSync } from 'node:fs';
import { type FileHandle, open as openFile, readFile } from 'node:fs/promises';
import { syError } from '@switchyard/protocol';
import { writeAll } from '../log/file-io.ts';
import { storageError } from '../storage-error.ts';
import { fsyncDir, walPath } from './kv-files.ts';
import { type KvFrame, parseFrames, WAL_MAGIC } from './kv-frame.ts';

/** What reading a WAL file found. */
export interface WalContents {
  frames: KvFrame[];
  /** Bytes of a torn or corrupt tail that were cut off (0 when the file was whole). */
  truncatedBytes: number;
}

/** An open WAL file that the store appends frames to. */
export class KvWal {
  readonly gen: number;
  readonly #handle: FileHandle;
  /** Where appends go: an O_DSYNC descriptor of the same file unless fsync is off. */
  readonly #appendFd: number;
  #size: number;

  private constructor(gen: number, handle: FileHandle, size: number, appendFd: number) {
    this.gen = gen;
    this.#handle = handle;
    this.#size = size;
    this.#appendFd = appendFd;
  }

  static #opened(dir: string, gen: number, handle: FileHandle, size: number, fsync: boolean): KvWal {
    const fd = fsync ? openSync(walPath(dir, gen), constants.O_WRONLY | constants.O_DSYNC) : handle.fd;
    return new KvWal(gen, handle, size, fd);
  }

  /** Creates an empty WAL of generation `gen` durably (magic written and synced, directory synced). */
  static async create(dir: string, gen: number, fsync: boolean): Promise<KvWal> {
    const handle = await openFile(walPath(dir, gen), 'w+');
    try {
      await handle.write(WAL_MAGIC, 0, WAL_MAGIC.length, 0);
      if (fsync) await handle.datasync();
      if (fsync) fsyncDir(dir);
    } catch (err) {
      await handle.close();
      throw storageError(err, `cannot create ${walPath(dir, gen)}`);
    }
    return KvWal.#opened(dir, gen, handle, WAL_MAGIC.length, fsync);
  }

  /**
   * Reads WAL `gen`. When `isLast`, a torn or corrupt tail is cut off and the file is reopened for
   * appending; an earlier WAL was closed after a synced write, so damage there is corruption.
   */
  static async recover(
    dir: string,
    gen: number,
    isLast: boolean,
    fsync: boolean,
  ): Promise<{ contents: WalContents; wal?: KvWal }> {
    const path = walPath(dir, gen);
    const buf = await readFile(path);
    const magicOk = buf.length >= WAL_MAGIC.length && buf.subarray(0, WAL_MAGIC.length).equals(WAL_MAGIC);
    if (
      !magicOk &&
      !(isLast && WAL_MAGIC.subarray(0, buf.length).equals(buf.subarray(0, WAL_MAGIC.length)))
    ) {
      throw syError('SY_ERR_STORAGE_CORRUPT', { reason: `${path} is not a Switchyard KV write-ahead log` });
    }
    if (!magicOk) {
      // Torn while being created: nothing was ever acknowledged from it.
      return {
        contents: { frames: [], truncatedBytes: buf.length },
        wal: await KvWal.create(dir, gen, fsync),
      };
    }
    const { frames, validEnd } = parseFrames(buf, WAL_MAGIC.length);
    const truncatedBytes = buf.length - validEnd;
    if (!isLast) {
      if (truncatedBytes > 0) {
        throw syError('SY_ERR_STORAGE_CORRUPT', {
          reason: `${path} is damaged at byte ${validEnd} of ${buf.length}`,
        });
      }
      return { contents: { frames, truncatedBytes } };
    }
    const handle = await openFile(path, 'r+');
    if (truncatedBytes > 0) {
      await handle.truncate(validEnd);
      if (fsync) await handle.datasync();
    }
    return { contents: { frames, truncatedBytes }, wal: KvWal.#opened(dir, gen, handle, validEnd, fsync) };
  }

  /** Bytes in the file. */
  get size(): number {
    return this.#size;
  }

  /** Writes `data` at the end; unless fsync is off, it is on disk when this resolves. */
  async append(data: Buffer): Promise<void> {
    await writeAll(this.#appendFd, [data], this.#size, data.length);
    this.#size += data.length;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    if (this.#appendFd !== this.#handle.fd) closeSync(this.#appendFd);
    await this.#handle.close();
  }
}
