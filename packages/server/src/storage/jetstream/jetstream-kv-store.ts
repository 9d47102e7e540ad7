/**
 * KvStore on a JetStream KV bucket (ADR 0006). The revision is the bucket stream's sequence, so it
 * increases with every write; `create`/`update`/`delete(rev)` publish with
 * `Nats-Expected-Last-Subject-Sequence`, which the stream leader checks atomically, so CAS holds
 * across every Switchyard node sharing the cluster. Reads go to the leader (no direct get), so a
 * node reads its own and everyone's acknowledged writes.
 */
import { syError } from '@switchyard/protocol';
import type { KV, NatsConnection, KvEntry as NatsKvEntry } from 'nats';
import { assertValidKey, assertValidPrefix, compareKeys } from '../kv-key.ts';
import type { KvEntry, KvStore } from '../kv-store.ts';
import { fromNatsError, isWrongLastSequence } from './jetstream-errors.ts';
import { decodeKvKey, encodeKvKey, prefixFilter } from './kv-key-codec.ts';

/** Options of `JetStreamKvStore.open`. */
export interface JetStreamKvOptions {
  /** Bucket name, `[A-Za-z0-9_-]+` (stream `KV_<bucket>`); created if absent. */
  bucket: string;
  /** Replicas of the bucket when it is created (1 or 3 in practice; default 1). */
  replicas?: number;
  /** Request timeout in milliseconds (default 5000). */
  timeoutMs?: number;
}

const BUCKET = /^[A-Za-z0-9_-]+$/;
const LIST_PARALLELISM = 32;

/** A KvStore kept in a JetStream KV bucket; the connection stays the caller's to close. */
export class JetStreamKvStore implements KvStore {
  readonly #kv: KV;
  #closed = false;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Binds to (creating if needed) the bucket on an open connection. */
  static async open(nc: NatsConnection, options: JetStreamKvOptions): Promise<JetStreamKvStore> {
    if (!BUCKET.test(options.bucket)) {
      throw syError('SY_ERR_CONFIG_INVALID', {
        reason: `KV bucket name ${options.bucket} must match [A-Za-z0-9_-]+`,
      });
    }
    try {
      const js = nc.jetstream({ timeout: options.timeoutMs ?? 5000 });
      const kv = await js.views.kv(options.bucket, {
        history: 1,
        replicas: options.replicas ?? 1,
        allow_direct: false,
        timeout: options.timeoutMs ?? 5000,
      });
      return new JetStreamKvStore(kv);
    } catch (err) {
      throw fromNatsError(err, `open KV bucket ${options.bucket}`);
    }
  }

  async get(key: string): Promise<KvEntry | undefined> {
    assertValidKey(key);
    this.#check();
    let e: NatsKvEntry | null;
    try {
      e = await this.#kv.get(encodeKvKey(key));
    } catch (err) {
      throw fromNatsError(err, `get ${key}`);
    }
    if (e === null || e.operation !== 'PUT') return undefined;
    return { key, value: Buffer.from(e.value), revision: e.revision };
  }

  async put(key: string, value: Buffer): Promise<number> {
    assertValidKey(key);
    this.#check();
    try {
      return await this.#kv.put(encodeKvKey(key), value);
    } catch (err) {
      throw fromNatsError(err, `put ${key}`);
    }
  }

  async create(key: string, value: Buffer): Promise<number> {
    assertValidKey(key);
    this.#check();
    try {
      // nats.js create() also succeeds over a delete marker, by CAS on the marker's revision.
      return await this.#kv.create(encodeKvKey(key), value);
    } catch (err) {
      if (isWrongLastSequence(err))
        throw syError('SY_ERR_STORAGE_CONFLICT', { reason: `key ${key} exists` }, err);
      throw fromNatsError(err, `create ${key}`);
    }
  }

  async update(key: string, value: Buffer, revision: number): Promise<number> {
    assertValidKey(key);
    this.#check();
    if (revision <= 0) return this.create(key, value);
    try {
      return await this.#kv.update(encodeKvKey(key), value, revision);
    } catch (err) {
      if (isWrongLastSequence(err)) {
        throw syError(
          'SY_ERR_STORAGE_CONFLICT',
          { reason: `key ${key} is not at revision ${revision}` },
          err,
        );
      }
      throw fromNatsError(err, `update ${key}`);
    }
  }

  async delete(key: string, revision?: number): Promise<void> {
    assertValidKey(key);
    this.#check();
    if (revision !== undefined && revision <= 0) {
      if ((await this.get(key)) !== undefined) {
        throw syError('SY_ERR_STORAGE_CONFLICT', { reason: `key ${key} exists, expected it absent` });
      }
      return;
    }
    try {
      if (revision === undefined && (await this.get(key)) === undefined) return;
      await this.#kv.delete(encodeKvKey(key), revision === undefined ? undefined : { previousSeq: revision });
    } catch (err) {
      if (isWrongLastSequence(err)) {
        throw syError(
          'SY_ERR_STORAGE_CONFLICT',
          { reason: `key ${key} is not at revision ${revision}` },
          err,
        );
      }
      throw fromNatsError(err, `delete ${key}`);
    }
  }

  async list(prefix: string): Promise<KvEntry[]> {
    assertValidPrefix(prefix);
    this.#check();
    const keys: string[] = [];
    try {
      for await (const encoded of await this.#kv.keys(prefixFilter(prefix))) {
        const key = decodeKvKey(encoded);
        if (key.startsWith(prefix)) keys.push(key);
      }
    } catch (err) {
      throw fromNatsError(err, `list ${prefix}`);
    }
    keys.sort(compareKeys);
    const entries: Array<KvEntry | undefined> = new Array(keys.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < keys.length) {
        const i = next++;
        entries[i] = await this.get(keys[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LIST_PARALLELISM, keys.length) }, worker));
    return entries.filter((e): e is KvEntry => e !== undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #check(): void {
    if (this.#closed) throw syError('SY_ERR_SERVER_SHUTTING_DOWN');
  }
}
