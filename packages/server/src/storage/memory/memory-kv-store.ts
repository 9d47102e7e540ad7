import { syError } from '@switchyard/protocol';
import { assertRevision, assertValidKey, assertValidPrefix, compareKeys } from '../kv-key.ts';
import type { KvEntry, KvStore } from '../kv-store.ts';

/** A KvStore held in memory: for unit tests and as the reference the contract suite checks first. */
export class MemoryKvStore implements KvStore {
  readonly #entries = new Map<string, KvEntry>();
  #revision = 0;

  async get(key: string): Promise<KvEntry | undefined> {
    assertValidKey(key);
    const entry = this.#entries.get(key);
    return entry === undefined ? undefined : { ...entry, value: Buffer.from(entry.value) };
  }

  async put(key: string, value: Buffer): Promise<number> {
    assertValidKey(key);
    return this.#write(key, value);
  }

  async create(key: string, value: Buffer): Promise<number> {
    assertValidKey(key);
    if (this.#entries.has(key)) throw syError('SY_ERR_STORAGE_CONFLICT', { reason: `key ${key} exists` });
    return this.#write(key, value);
  }

  async update(key: string, value: Buffer, revision: number): Promise<number> {
    assertValidKey(key);
    const current = this.#entries.get(key)?.revision ?? 0;
    assertRevision(key, current, revision);
    return this.#write(key, value);
  }

  async delete(key: string, revision?: number): Promise<void> {
    assertValidKey(key);
    const current = this.#entries.get(key)?.revision ?? 0;
    if (revision !== undefined) assertRevision(key, current, revision);
    this.#entries.delete(key);
  }

  async list(prefix: string): Promise<KvEntry[]> {
    assertValidPrefix(prefix);
    return [...this.#entries.values()]
      .filter((e) => e.key.startsWith(prefix))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((e) => ({ ...e, value: Buffer.from(e.value) }));
  }

  async close(): Promise<void> {}

  #write(key: string, value: Buffer): number {
    this.#revision += 1;
    this.#entries.set(key, { key, value: Buffer.from(value), revision: this.#revision });
    return this.#revision;
  }
}
