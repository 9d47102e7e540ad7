/**
 * Remembers the answers to produce requests that carried an `Idempotency-Key`, for a window, so
 * a retried request gets the first answer instead of writing again — across restarts.
 *
 * Crash ordering: the records are made durable first (the log's fsync), then the key and the
 * answer are written through the metadata store (its own group-committed fsync), and only then is
 * the request answered. So an acknowledged write always has its key on disk. A crash between the
 * two leaves records whose request was never acknowledged; its retry writes them again (the
 * at-least-once of a request without a key). Requests without a key never come here.
 *
 * A key names one request: reused with a different request (another body or content type, told
 * by the fingerprint the caller gives) it is refused, as the IETF Idempotency-Key draft asks, and
 * the keys of a stream are forgotten when the stream is deleted, so a stream created again under
 * the same name never answers from its predecessor.
 *
 * Memory is bounded by `maxBytes` (the metadata store keeps its map in memory): past it the
 * oldest keys are forgotten before their window ends.
 */
import { createHash } from 'node:crypto';
import { type ProduceResponse, syError } from '@switchyard/protocol';
import type { KvStore } from '../storage/kv-store.ts';
import type { StoredAnswer } from './produce-answer-codec.ts';
import { packAnswer, unpackAnswer } from './produce-answer-codec.ts';

const PREFIX = 'idempotency/';
/** Bytes charged per key on top of its stored value (map entries, strings). */
const ENTRY_OVERHEAD = 160;

/** Settings of the idempotency store. */
export interface IdempotencyStoreOptions {
  kv: KvStore;
  /** How long a key is remembered (ms); 0 turns deduplication off. */
  windowMs: number;
  /** Upper bound of what the remembered keys occupy (bytes). */
  maxBytes: number;
  now?: () => number;
}

interface StoredKey {
  /** stream */
  s: string;
  /** the Idempotency-Key */
  k: string;
  /** expiry, ms since the epoch */
  e: number;
  /** fingerprint of the request (absent in keys stored before fingerprints) */
  f?: string;
  /** the answer */
  a: StoredAnswer | ProduceResponse;
}

interface Entry {
  expires: number;
  kvKey: string;
  bytes: number;
  fingerprint: string | undefined;
  /** The first attempt while it runs; afterwards the answer is read back from the store. */
  pending: Promise<ProduceResponse> | undefined;
}

const kvKeyOf = (id: string): string => PREFIX + createHash('sha256').update(id).digest('base64url');

/** Durable `Idempotency-Key` deduplication of produce requests within a window. */
export class IdempotencyStore {
  readonly #kv: KvStore;
  readonly #windowMs: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  /** In insertion order, which is expiry order (one window for all). */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  private constructor(options: IdempotencyStoreOptions) {
    this.#kv = options.kv;
    this.#windowMs = options.windowMs;
    this.#maxBytes = options.maxBytes;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Loads the keys still inside their window and forgets the rest, and the keys of streams
   * `streamExists` denies (deleted while the server was down, or by a crash mid-delete).
   */
  static async open(
    options: IdempotencyStoreOptions & { streamExists?: (stream: string) => boolean },
  ): Promise<IdempotencyStore> {
    const store = new IdempotencyStore(options);
    const now = store.#now();
    const live: { id: string; entry: Entry }[] = [];
    for (const { key, value } of await options.kv.list(PREFIX)) {
      const stored = JSON.parse(value.toString('utf8')) as StoredKey;
      if (stored.e <= now || options.windowMs === 0 || options.streamExists?.(stored.s) === false) {
        await options.kv.delete(key);
        continue;
      }
      const bytes = value.length + key.length + ENTRY_OVERHEAD;
      live.push({
        id: `${stored.s}\u0000${stored.k}`,
        entry: { expires: stored.e, kvKey: key, bytes, fingerprint: stored.f, pending: undefined },
      });
    }
    live.sort((a, b) => a.entry.expires - b.entry.expires);
    for (const { id, entry } of live) store.#add(id, entry);
    await store.sweep();
    return store;
  }

  /**
   * Runs `work` once per (stream, key) within the window; later calls get the first answer. A
   * later call whose `fingerprint` differs from the first one's is refused
   * (`SY_ERR_IDEMPOTENCY_KEY_REUSED`) and runs nothing.
   */
  async run(
    stream: string,
    key: string,
    work: () => Promise<ProduceResponse>,
    fingerprint = '',
  ): Promise<ProduceResponse> {
    if (this.#windowMs === 0) return work();
    const id = `${stream}\u0000${key}`;
    const now = this.#now();
    const hit = this.#entries.get(id);
    if (hit !== undefined && hit.expires > now) {
      if (hit.fingerprint !== undefined && hit.fingerprint !== fingerprint) {
        throw syError('SY_ERR_IDEMPOTENCY_KEY_REUSED', { key, stream });
      }
      if (hit.pending !== undefined) return hit.pending;
      const stored = await this.#kv.get(hit.kvKey);
      if (stored !== undefined)
        return unpackAnswer((JSON.parse(stored.value.toString('utf8')) as StoredKey).a);
    }
    if (hit !== undefined) this.#remove(id, hit);
    const entry: Entry = {
      expires: now + this.#windowMs,
      kvKey: kvKeyOf(id),
      bytes: ENTRY_OVERHEAD,
      fingerprint,
      pending: undefined,
    };
    const pending = this.#first(stream, key, entry, work);
    entry.pending = pending;
    this.#add(id, entry);
    try {
      return await pending;
    } catch (err) {
      // A failed attempt must not be replayed to the retry: forget it so the retry runs again.
      if (this.#entries.get(id) === entry) this.#remove(id, entry);
      throw err;
    } finally {
      entry.pending = undefined;
      // A failing store also fails the next write, which reports it; nothing to add here.
      this.sweep().catch(() => {});
    }
  }

  async #first(
    stream: string,
    key: string,
    entry: Entry,
    work: () => Promise<ProduceResponse>,
  ): Promise<ProduceResponse> {
    const answer = await work();
    const stored: StoredKey = { s: stream, k: key, e: entry.expires, a: packAnswer(answer) };
    if (entry.fingerprint !== undefined) stored.f = entry.fingerprint;
    const value = Buffer.from(JSON.stringify(stored));
    // Before the answer goes out: an acknowledged write must find its key after a crash.
    await this.#kv.put(entry.kvKey, value);
    this.#bytes += value.length + entry.kvKey.length;
    entry.bytes += value.length + entry.kvKey.length;
    return answer;
  }

  /** Forgets expired keys, and the oldest ones while over `maxBytes`; resolves once deleted. */
  async sweep(): Promise<void> {
    const now = this.#now();
    const deletes: Promise<void>[] = [];
    for (const [id, entry] of this.#entries) {
      if (entry.expires > now && this.#bytes <= this.#maxBytes) break;
      if (entry.pending !== undefined) continue;
      this.#remove(id, entry);
      deletes.push(this.#kv.delete(entry.kvKey));
    }
    await Promise.all(deletes);
  }

  /** Forgets every key of `stream` (it is being deleted); resolves once they are gone from the store. */
  async forgetStream(stream: string): Promise<void> {
    const prefix = `${stream}\u0000`;
    const deletes: Promise<void>[] = [];
    for (const [id, entry] of this.#entries) {
      if (!id.startsWith(prefix)) continue;
      this.#remove(id, entry);
      deletes.push(this.#kv.delete(entry.kvKey));
    }
    await Promise.all(deletes);
  }

  /** Keys remembered now (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #add(id: string, entry: Entry): void {
    this.#entries.set(id, entry);
    this.#bytes += entry.bytes;
  }

  #remove(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#bytes -= entry.bytes;
  }
}
