/**
 * The storage port for metadata: a key-value store with per-key compare-and-set. It holds
 * stream definitions, consumer-group offsets and producer state. Keys are `/`-separated paths of
 * `[A-Za-z0-9._-]` segments (`streams/orders`); values are bytes (the core stores JSON).
 * Implementations: `embedded/kv/` and `jetstream/`; both run `contract/kv-contract.ts`.
 */

/** One stored value with the revision that wrote it. */
export interface KvEntry {
  key: string;
  value: Buffer;
  /** Increases with every write to the store; compare-and-set compares it. */
  revision: number;
}

/** A durable key-value store with per-key compare-and-set. */
export interface KvStore {
  /** The current entry, or undefined. */
  get(key: string): Promise<KvEntry | undefined>;
  /** Writes unconditionally; resolves with the new revision once durable. */
  put(key: string, value: Buffer): Promise<number>;
  /** Writes only if the key is absent; otherwise throws `SY_ERR_STORAGE_CONFLICT`. */
  create(key: string, value: Buffer): Promise<number>;
  /** Writes only if the key's revision equals `revision`; otherwise throws `SY_ERR_STORAGE_CONFLICT`. */
  update(key: string, value: Buffer, revision: number): Promise<number>;
  /** Deletes the key (a no-op when absent); with `revision`, only if it still matches. */
  delete(key: string, revision?: number): Promise<void>;
  /** Every entry whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<KvEntry[]>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
}
