/**
 * One write-ahead log file of the embedded KV. Appends go to an explicit position (so a truncated
 * torn tail is overwritten) and are made durable with fdatasync; the store batches frames so one
 * write and one sync cover everything that arrived while the previous sync ran (group commit).
 */
import { type FileHandle, open as openFile, readFile } from 'node:fs/promises';
import { syError } from '@switchyard/protocol';
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
  readonly #fsync: boolean;
  #size: number;

  private constructor(gen: number, handle: FileHandle, size: number, fsync: boolean) {
    this.gen = gen;
    this.#handle = handle;
    this.#size = size;
    this.#fsync = fsync;
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
    return new KvWal(gen, handle, WAL_MAGIC.length, fsync);
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
    return { contents: { frames, truncatedBytes }, wal: new KvWal(gen, handle, validEnd, fsync) };
  }

  /** Bytes in the file. */
  get size(): number {
    return this.#size;
  }

  /** Writes `data` at the end and, unless fsync is off, waits for fdatasync. */
  async append(data: Buffer): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.#handle.write(
        data,
        written,
        data.length - written,
        this.#size + written,
      );
      written += bytesWritten;
    }
    this.#size += data.length;
    if (this.#fsync) await this.#handle.datasync();
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#handle.close();
  }
}
