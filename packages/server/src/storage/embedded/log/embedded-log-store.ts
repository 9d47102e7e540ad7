import fs from 'node:fs';
import { join } from 'node:path';
import { isSwitchyardError, syError } from '@switchyard/protocol';
import type { LogStore, PartitionLog, PartitionLogConfig } from '../../log-store.ts';
import { lockWithPidFile } from '../pid-lock.ts';
import { storageError } from '../storage-error.ts';
import {
  type EmbeddedLogOptions,
  type ResolvedEmbeddedLogOptions,
  resolveEmbeddedLogOptions,
} from './options.ts';
import type { EmbeddedPartitionLog } from './partition-log.ts';
import { openPartition } from './partition-open.ts';
import { ReadBufferPool } from './read-buffer-pool.ts';

const NAME = /^[A-Za-z0-9._-]{1,256}$/;

/**
 * The embedded log engine: one directory per partition under `<dataDir>/logs/<stream>/<partition>/`,
 * written by this process alone. See docs/storage.md for the layout and guarantees.
 */
export class EmbeddedLogStore implements LogStore {
  readonly options: ResolvedEmbeddedLogOptions;
  readonly #logs = new Map<string, Promise<EmbeddedPartitionLog>>();
  readonly #unlock: () => void;
  /** Large reads of every partition share these buffers (read-buffer-pool.ts). */
  readonly #readBuffers = new ReadBufferPool();
  #closed = false;

  private constructor(options: ResolvedEmbeddedLogOptions, unlock: () => void) {
    this.options = options;
    this.#unlock = unlock;
  }

  /**
   * Resolves the options, creates `<dataDir>/logs` and locks it for this process. Throws
   * STORAGE_UNWRITABLE/FULL when the directory cannot be written, STORAGE_CONFLICT when another
   * live process holds it.
   */
  static async open(options: EmbeddedLogOptions): Promise<EmbeddedLogStore> {
    const resolved = resolveEmbeddedLogOptions(options);
    const logs = join(resolved.dataDir, 'logs');
    let unlock: () => void;
    try {
      await fs.promises.mkdir(logs, { recursive: true });
      unlock = lockWithPidFile(logs, '.lock', 'take-over');
    } catch (err) {
      throw isSwitchyardError(err) ? err : storageError(err, `data directory ${resolved.dataDir}`);
    }
    return new EmbeddedLogStore(resolved, unlock);
  }

  open(stream: string, partition: number, config: PartitionLogConfig): Promise<PartitionLog> {
    if (this.#closed) return Promise.reject(syError('SY_ERR_SERVER_SHUTTING_DOWN'));
    if (!NAME.test(stream) || stream === '.' || stream === '..') {
      return Promise.reject(syError('SY_ERR_NAME_INVALID', { name: stream }));
    }
    if (!Number.isInteger(partition) || partition < 0) {
      return Promise.reject(
        syError('SY_ERR_PARTITION_INVALID', { stream, partition, partitions: '?', max: '?' }),
      );
    }
    const key = `${stream}/${partition}`;
    let log = this.#logs.get(key);
    if (log === undefined) {
      log = openPartition(this.options, stream, partition, config, this.#readBuffers);
      this.#logs.set(key, log);
      log.catch(() => this.#logs.delete(key));
    }
    return log;
  }

  async drop(stream: string): Promise<void> {
    const prefix = `${stream}/`;
    const closing: Promise<void>[] = [];
    for (const [key, log] of this.#logs) {
      if (!key.startsWith(prefix)) continue;
      this.#logs.delete(key);
      closing.push(log.then((l) => l.close()).catch(() => {}));
    }
    await Promise.all(closing);
    if (!NAME.test(stream) || stream === '.' || stream === '..') return;
    try {
      await fs.promises.rm(join(this.options.dataDir, 'logs', stream), { recursive: true, force: true });
    } catch (err) {
      throw storageError(err, `drop ${stream}`);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const logs = [...this.#logs.values()];
    this.#logs.clear();
    await Promise.all(logs.map((l) => l.then((x) => x.close()).catch(() => {})));
    this.#unlock();
  }
}
