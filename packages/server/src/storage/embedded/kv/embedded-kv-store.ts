/**
 * The embedded metadata store (ADR 0002): the whole map in memory, made durable by an append-only,
 * CRC-checked write-ahead log with group commit, compacted into a snapshot once the log outgrows
 * the live data. Writes are checked and applied in memory at call time (so compare-and-set is
 * decided in arrival order) and acknowledged once the fdatasync covering them completes; reads
 * wait until what they return is durable, so nobody acts on a write a crash could still undo.
 */
import { mkdirSync, unlinkSync } from 'node:fs';
import { type SwitchyardError, syError } from '@switchyard/protocol';
import { assertRevision, assertValidKey, assertValidPrefix, compareKeys } from '../../kv-key.ts';
import type { KvEntry, KvStore } from '../../kv-store.ts';
import { lockWithPidFile } from '../pid-lock.ts';
import { storageError } from '../storage-error.ts';
import { fsyncDir, listGenerations, snapshotPath, walPath } from './kv-files.ts';
import { encodeFrame, FRAME_OVERHEAD, OP_DELETE, OP_PUT } from './kv-frame.ts';
import { encodeSnapshot, readSnapshot, type StoredEntry, writeSnapshot } from './kv-snapshot.ts';
import { KvWal } from './kv-wal.ts';

/** Options of `EmbeddedKvStore.open`. */
export interface EmbeddedKvOptions {
  /** Directory of the store (created if absent); one process at a time. */
  dir: string;
  /** fdatasync before acknowledging a write (default true); false only for tests and benchmarks. */
  fsync?: boolean;
  /** Compact once the WAL exceeds this many bytes and twice the live data (default 8 MiB). */
  compactBytes?: number;
}

/** What `open` found on disk. */
export interface KvRecoveryInfo {
  snapshotEntries: number;
  walFrames: number;
  /** Bytes of a torn or corrupt WAL tail that were cut off. */
  truncatedBytes: number;
}

interface Batch {
  frames: Buffer[];
  maxRevision: number;
  deleted: string[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { frames: [], maxRevision: 0, deleted: [], promise, resolve, reject };
}

const entrySize = (key: string, value: Buffer): number => FRAME_OVERHEAD + key.length + value.length;

/** A crash-safe KvStore in one directory: in-memory map + WAL with group commit + snapshots. */
export class EmbeddedKvStore implements KvStore {
  /** What recovery found when this store was opened. */
  readonly recovery: KvRecoveryInfo;
  readonly #dir: string;
  readonly #fsync: boolean;
  readonly #compactBytes: number;
  readonly #entries: Map<string, StoredEntry>;
  /** Keys deleted by writes not yet durable, with the delete's revision. */
  readonly #pendingDeletes = new Map<string, number>();
  readonly #unlock: () => void;
  #wal: KvWal;
  #revision: number;
  #durableRevision: number;
  #liveBytes = 0;
  #pending: Batch | null = null;
  #inflight: Batch | null = null;
  #running: Promise<void> = Promise.resolve();
  #flushing = false;
  #failed: SwitchyardError | null = null;
  #closed = false;

  private constructor(
    options: Required<EmbeddedKvOptions>,
    state: {
      entries: Map<string, StoredEntry>;
      revision: number;
      wal: KvWal;
      recovery: KvRecoveryInfo;
      unlock: () => void;
    },
  ) {
    this.#dir = options.dir;
    this.#fsync = options.fsync;
    this.#compactBytes = options.compactBytes;
    this.#entries = state.entries;
    this.#revision = state.revision;
    this.#durableRevision = state.revision;
    this.#wal = state.wal;
    this.recovery = state.recovery;
    this.#unlock = state.unlock;
    for (const [key, e] of this.#entries) this.#liveBytes += entrySize(key, e.value);
  }

  /** Opens (creating if needed) the store in `dir`: loads the newest snapshot, replays the WAL, cuts a torn tail. */
  static async open(options: EmbeddedKvOptions): Promise<EmbeddedKvStore> {
    const resolved = { fsync: true, compactBytes: 8 * 1024 * 1024, ...options };
    const { dir, fsync } = resolved;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw storageError(err, `cannot create ${dir}`);
    }
    const unlock = lockWithPidFile(dir, 'LOCK', 'refuse');
    try {
      const { wals, snapshots, temps } = listGenerations(dir);
      for (const t of temps) unlinkSync(t);
      const entries = new Map<string, StoredEntry>();
      const recovery: KvRecoveryInfo = { snapshotEntries: 0, walFrames: 0, truncatedBytes: 0 };
      let base = snapshots.at(-1);
      let snapRevision = 0;
      if (base !== undefined) {
        const snap = await readSnapshot(dir, base);
        for (const f of snap.frames)
          entries.set(f.key, { value: Buffer.from(f.value), revision: f.revision });
        snapRevision = snap.revision;
        recovery.snapshotEntries = snap.frames.length;
      } else if (wals.length > 0 && wals[0] !== 0) {
        throw syError('SY_ERR_STORAGE_CORRUPT', {
          reason: `${dir} has write-ahead logs but lost its snapshot`,
        });
      }
      base ??= 0;
      let revision = snapRevision;
      const live = wals.filter((g) => g >= base);
      let wal: KvWal | undefined;
      for (const [i, gen] of live.entries()) {
        const isLast = i === live.length - 1;
        const found = await KvWal.recover(dir, gen, isLast, fsync);
        recovery.truncatedBytes += found.contents.truncatedBytes;
        for (const f of found.contents.frames) {
          if (f.revision <= snapRevision) continue;
          recovery.walFrames += 1;
          if (f.op === OP_PUT) entries.set(f.key, { value: Buffer.from(f.value), revision: f.revision });
          else if (f.op === OP_DELETE) entries.delete(f.key);
          if (f.revision > revision) revision = f.revision;
        }
        if (isLast) wal = found.wal;
      }
      wal ??= await KvWal.create(dir, base, fsync);
      for (const g of wals.filter((g) => g < base)) unlinkSync(walPath(dir, g));
      for (const g of snapshots.filter((g) => g < base)) unlinkSync(snapshotPath(dir, g));
      return new EmbeddedKvStore(resolved, { entries, revision, wal, recovery, unlock });
    } catch (err) {
      unlock();
      throw err;
    }
  }

  async get(key: string): Promise<KvEntry | undefined> {
    assertValidKey(key);
    this.#check();
    const touched = this.#entries.get(key)?.revision ?? this.#pendingDeletes.get(key) ?? 0;
    if (touched > this.#durableRevision) await this.#whenDurable(touched);
    const e = this.#entries.get(key);
    return e === undefined ? undefined : { key, value: Buffer.from(e.value), revision: e.revision };
  }

  async put(key: string, value: Buffer): Promise<number> {
    assertValidKey(key);
    this.#check();
    return this.#write(key, value);
  }

  async create(key: string, value: Buffer): Promise<number> {
    assertValidKey(key);
    this.#check();
    if (this.#entries.has(key)) throw syError('SY_ERR_STORAGE_CONFLICT', { reason: `key ${key} exists` });
    return this.#write(key, value);
  }

  async update(key: string, value: Buffer, revision: number): Promise<number> {
    assertValidKey(key);
    this.#check();
    const current = this.#entries.get(key)?.revision ?? 0;
    assertRevision(key, current, revision);
    return this.#write(key, value);
  }

  async delete(key: string, revision?: number): Promise<void> {
    assertValidKey(key);
    this.#check();
    const entry = this.#entries.get(key);
    const current = entry?.revision ?? 0;
    if (revision !== undefined) assertRevision(key, current, revision);
    if (entry === undefined) {
      const pending = this.#pendingDeletes.get(key);
      if (pending !== undefined) await this.#whenDurable(pending);
      return;
    }
    const rev = ++this.#revision;
    this.#entries.delete(key);
    this.#liveBytes -= entrySize(key, entry.value);
    this.#pendingDeletes.set(key, rev);
    const batch = this.#enqueue(encodeFrame(OP_DELETE, rev, key, null), rev);
    batch.deleted.push(key);
    await batch.promise;
  }

  async list(prefix: string): Promise<KvEntry[]> {
    assertValidPrefix(prefix);
    this.#check();
    if (this.#revision > this.#durableRevision) await this.#whenDurable(this.#revision);
    const out: KvEntry[] = [];
    for (const [key, e] of this.#entries) {
      if (key.startsWith(prefix)) out.push({ key, value: Buffer.from(e.value), revision: e.revision });
    }
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#flushing) await this.#running;
    await this.#wal.close();
    this.#unlock();
  }

  #check(): void {
    if (this.#failed !== null) throw this.#failed;
    if (this.#closed) throw syError('SY_ERR_SERVER_SHUTTING_DOWN');
  }

  async #write(key: string, value: Buffer): Promise<number> {
    const rev = ++this.#revision;
    const stored = Buffer.from(value);
    const old = this.#entries.get(key);
    if (old !== undefined) this.#liveBytes -= entrySize(key, old.value);
    this.#liveBytes += entrySize(key, stored);
    this.#entries.set(key, { value: stored, revision: rev });
    this.#pendingDeletes.delete(key);
    await this.#enqueue(encodeFrame(OP_PUT, rev, key, stored), rev).promise;
    return rev;
  }

  #enqueue(frame: Buffer, revision: number): Batch {
    if (this.#pending === null) this.#pending = newBatch();
    const batch = this.#pending;
    batch.frames.push(frame);
    batch.maxRevision = revision;
    if (!this.#flushing) this.#running = this.#run();
    return batch;
  }

  async #whenDurable(revision: number): Promise<void> {
    while (revision > this.#durableRevision) {
      this.#check();
      const batch =
        this.#inflight !== null && revision <= this.#inflight.maxRevision ? this.#inflight : this.#pending;
      if (batch === null) return;
      await batch.promise;
    }
  }

  /** The group-commit loop: one write + one sync per batch until nothing is pending. Never rejects. */
  async #run(): Promise<void> {
    this.#flushing = true;
    try {
      // The flag drops in the same microtask as the last check, so no enqueue can slip between.
      while (this.#pending !== null && this.#failed === null) await this.#flushOne(this.#pending);
    } finally {
      this.#flushing = false;
    }
  }

  async #flushOne(batch: Batch): Promise<void> {
    this.#pending = null;
    this.#inflight = batch;
    try {
      await this.#wal.append(batch.frames.length === 1 ? batch.frames[0]! : Buffer.concat(batch.frames));
    } catch (err) {
      this.#fail(storageError(err, `cannot write ${walPath(this.#dir, this.#wal.gen)}`), batch);
      return;
    }
    this.#durableRevision = batch.maxRevision;
    for (const key of batch.deleted) {
      if ((this.#pendingDeletes.get(key) ?? Number.POSITIVE_INFINITY) <= batch.maxRevision)
        this.#pendingDeletes.delete(key);
    }
    this.#inflight = null;
    batch.resolve();
    if (this.#wal.size > this.#compactBytes && this.#wal.size > 2 * this.#liveBytes) {
      try {
        await this.#compact();
      } catch (err) {
        this.#fail(storageError(err, `cannot compact ${this.#dir}`), null);
        return;
      }
    }
  }

  /** New WAL first, then the snapshot of this moment, then the old files go (see ADR 0002 for the crash cases). */
  async #compact(): Promise<void> {
    const gen = this.#wal.gen + 1;
    const next = await KvWal.create(this.#dir, gen, this.#fsync);
    const old = this.#wal;
    this.#wal = next;
    const bytes = encodeSnapshot(this.#entries, this.#revision);
    await old.close();
    await writeSnapshot(this.#dir, gen, bytes, this.#fsync);
    unlinkSync(walPath(this.#dir, old.gen));
    try {
      unlinkSync(snapshotPath(this.#dir, old.gen));
    } catch {}
    if (this.#fsync) fsyncDir(this.#dir);
  }

  #fail(err: SwitchyardError, batch: Batch | null): void {
    this.#failed = err;
    this.#inflight = null;
    batch?.reject(err);
    this.#pending?.reject(err);
    this.#pending = null;
  }
}
