/**
 * The contract every LogStore adapter must keep. Adapter-neutral: it speaks only through the port
 * (no files, no segments), so the embedded engine and the JetStream adapter run the same checks.
 * Usage, in an adapter's test file:
 *   runLogStoreContract('embedded', async () => ({ store, reopen, cleanup }));
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BatchOptions,
  type DecodedRecord,
  decodeBatches,
  encodeRecordBatch,
  isSwitchyardError,
  type RecordInput,
} from '@switchyard/protocol';
import type { LogStore, PartitionLog, PartitionLogConfig } from '../log-store.ts';

/** What an adapter hands the suite for one test: a fresh store, optionally a way to reopen it, and cleanup. */
export interface LogStoreFixture {
  store: LogStore;
  /** Closes nothing itself: the suite closes `store` first, then calls this to open the same data again. */
  reopen?: () => Promise<LogStore>;
  cleanup: () => Promise<void>;
}

/** Default partition config of the suite: large segments, no retention. */
export const CONTRACT_CONFIG: PartitionLogConfig = {
  segmentBytes: 1024 * 1024,
  retentionMs: null,
  retentionBytes: null,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86_400_000,
};

const T0 = 1_700_000_000_000;

/** A batch of `count` records with values `${prefix}-${i}`. */
export function textBatch(prefix: string, count: number, options: BatchOptions = {}): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) records.push({ key: null, value: Buffer.from(`${prefix}-${i}`) });
  return encodeRecordBatch(records, { timestamp: T0, ...options });
}

/** Every record in `data` at or after `from`. */
export function recordsFrom(data: Buffer, from: number): DecodedRecord[] {
  return decodeBatches(data).filter((r) => r.offset >= from);
}

/** Reads the whole partition from `from` through `nextOffset` steps. */
export async function readAll(
  log: PartitionLog,
  from = log.startOffset,
  maxBytes = 64 * 1024,
): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  let offset = from;
  for (;;) {
    const r = await log.read(offset, maxBytes);
    if (r.data.length === 0) break;
    const records = recordsFrom(r.data, offset);
    out.push(...records);
    assert.ok(r.nextOffset > offset, 'nextOffset advances after a non-empty read');
    offset = r.nextOffset;
  }
  return out;
}

function values(records: readonly DecodedRecord[]): string[] {
  return records.map((r) => (r.value === null ? '<null>' : r.value.toString()));
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isSwitchyardError(err), `expected a SwitchyardError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

type Factory = () => Promise<LogStoreFixture>;

async function withLog(
  makeStore: Factory,
  config: PartitionLogConfig,
  fn: (log: PartitionLog, fx: LogStoreFixture) => Promise<void>,
): Promise<void> {
  const fx = await makeStore();
  try {
    const log = await fx.store.open('contract', 0, config);
    await fn(log, fx);
  } finally {
    await fx.store.close().catch(() => {});
    await fx.cleanup();
  }
}

/** Registers the LogStore contract tests under `describe(name)`. */
export function runLogStoreContract(name: string, makeStore: Factory): void {
  describe(`LogStore contract: ${name}`, () => {
    registerBasics(makeStore);
    registerIdempotence(makeStore);
    registerLifecycle(makeStore);
    registerCleaning(makeStore);
  });
}

function registerBasics(makeStore: Factory): void {
  it('appends and reads back a batch', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      assert.equal(log.startOffset, 0);
      assert.equal(log.endOffset, 0);
      const before = Date.now();
      const res = await log.append(textBatch('a', 3));
      assert.deepEqual(
        { ...res, appendTime: 0 },
        { baseOffset: 0, lastOffset: 2, appendTime: 0, duplicate: false },
      );
      assert.ok(res.appendTime >= before - 1000);
      assert.equal(log.endOffset, 3);
      assert.ok(log.sizeBytes > 0);
      const r = await log.read(0, 1 << 20);
      assert.equal(r.nextOffset, 3);
      assert.equal(r.highWatermark, 3);
      assert.equal(r.logStartOffset, 0);
      const records = recordsFrom(r.data, 0);
      assert.deepEqual(values(records), ['a-0', 'a-1', 'a-2']);
      assert.deepEqual(
        records.map((x) => x.offset),
        [0, 1, 2],
      );
      assert.equal(records[0]?.timestamp, T0);
    });
  });

  it('assigns contiguous offsets across batches and appends', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const two = Buffer.concat([textBatch('a', 2), textBatch('b', 3)]);
      assert.deepEqual([(await log.append(two)).baseOffset, log.endOffset], [0, 5]);
      const third = await log.append(textBatch('c', 4));
      assert.equal(third.baseOffset, 5);
      assert.equal(third.lastOffset, 8);
      const all = await readAll(log, 0);
      assert.deepEqual(
        all.map((r) => r.offset),
        [0, 1, 2, 3, 4, 5, 6, 7, 8],
      );
      assert.deepEqual(values(all), ['a-0', 'a-1', 'b-0', 'b-1', 'b-2', 'c-0', 'c-1', 'c-2', 'c-3']);
    });
  });

  it('reads from a middle offset (the first batch may start earlier)', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      for (let i = 0; i < 5; i++) await log.append(textBatch(`b${i}`, 10));
      const r = await log.read(23, 1 << 20);
      const decoded = decodeBatches(r.data);
      assert.ok((decoded[0]?.offset ?? 99) <= 23, 'first batch contains or precedes offset 23');
      const from = recordsFrom(r.data, 23);
      assert.equal(from[0]?.offset, 23);
      assert.equal(from[0]?.value?.toString(), 'b2-3');
      assert.equal(r.nextOffset, 50);
      assert.deepEqual(
        (await readAll(log, 37, 300)).map((x) => x.offset),
        Array.from({ length: 13 }, (_, i) => 37 + i),
      );
    });
  });

  it('honours maxBytes but returns at least one whole batch', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const batch = textBatch('m', 20);
      for (let i = 0; i < 10; i++) await log.append(Buffer.from(batch));
      const one = await log.read(0, 1);
      assert.equal(recordsFrom(one.data, 0).length, 20, 'one whole batch even when maxBytes is tiny');
      assert.equal(one.nextOffset, 20);
      const some = await log.read(0, batch.length * 3);
      assert.ok(some.data.length <= batch.length * 3, 'no more than maxBytes when the first batch fits');
      assert.ok(some.data.length >= batch.length);
      assert.equal(some.nextOffset % 20, 0);
      const all = await readAll(log, 0, batch.length * 2 + 10);
      assert.equal(all.length, 200);
    });
  });

  it('answers reads at the end with nothing and beyond it with OFFSET_OUT_OF_RANGE', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const empty = await log.read(0, 1000);
      assert.deepEqual([empty.data.length, empty.nextOffset, empty.highWatermark], [0, 0, 0]);
      await log.append(textBatch('e', 2));
      const atEnd = await log.read(2, 1000);
      assert.deepEqual([atEnd.data.length, atEnd.nextOffset, atEnd.highWatermark], [0, 2, 2]);
      await rejectsWith(log.read(3, 1000), 'SY_ERR_OFFSET_OUT_OF_RANGE');
      await rejectsWith(log.read(-1, 1000), 'SY_ERR_OFFSET_OUT_OF_RANGE');
    });
  });

  it('finds offsets by timestamp', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      assert.equal(await log.offsetForTimestamp(T0), 0);
      await log.append(textBatch('t', 3, { timestamp: T0 + 1000 }));
      const mixed: RecordInput[] = [
        { value: Buffer.from('x'), timestamp: T0 + 2000 },
        { value: Buffer.from('y'), timestamp: T0 + 3000 },
      ];
      await log.append(encodeRecordBatch(mixed, { timestamp: T0 + 2000 }));
      await log.append(textBatch('u', 2, { timestamp: T0 + 5000 }));
      assert.equal(await log.offsetForTimestamp(0), 0);
      assert.equal(await log.offsetForTimestamp(T0 + 1000), 0);
      assert.equal(await log.offsetForTimestamp(T0 + 1001), 3);
      assert.equal(await log.offsetForTimestamp(T0 + 2500), 4);
      assert.equal(await log.offsetForTimestamp(T0 + 3000), 4);
      assert.equal(await log.offsetForTimestamp(T0 + 4000), 5);
      assert.equal(await log.offsetForTimestamp(T0 + 9000), 7);
    });
  });

  it('notifies onAppend listeners after a durable append and stops after unsubscribe', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const seen: number[] = [];
      const off = log.onAppend(() => seen.push(log.endOffset));
      await log.append(textBatch('n', 2));
      assert.deepEqual(seen, [2], 'called once, after the data is readable');
      off();
      await log.append(textBatch('n', 2));
      assert.deepEqual(seen, [2]);
    });
  });

  it('rejects a multi-batch append with one corrupt batch and writes nothing', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      await log.append(textBatch('ok', 2));
      const bad = textBatch('bad', 2);
      bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
      await rejectsWith(log.append(Buffer.concat([textBatch('x', 3), bad])), 'SY_ERR_BATCH_CORRUPT');
      await rejectsWith(log.append(Buffer.from(textBatch('y', 1)).subarray(0, 40)), 'SY_ERR_BATCH_CORRUPT');
      assert.equal(log.endOffset, 2);
      const next = await log.append(textBatch('z', 1));
      assert.equal(next.baseOffset, 2);
      assert.deepEqual(values(await readAll(log, 0)), ['ok-0', 'ok-1', 'z-0']);
    });
  });

  it('appends batches the caller already verified', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const two = Buffer.concat([textBatch('v', 2), textBatch('w', 1)]);
      const res = await log.append(two, { verified: true });
      assert.deepEqual([res.baseOffset, res.lastOffset], [0, 2]);
      assert.deepEqual(values(await readAll(log, 0)), ['v-0', 'v-1', 'w-0']);
    });
  });

  it('keeps concurrent appends in call order', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const pending: Promise<{ baseOffset: number }>[] = [];
      for (let i = 0; i < 50; i++) pending.push(log.append(textBatch(`c${i}`, (i % 3) + 1)));
      const results = await Promise.all(pending);
      let expected = 0;
      for (let i = 0; i < 50; i++) {
        assert.equal(results[i]?.baseOffset, expected);
        expected += (i % 3) + 1;
      }
      assert.equal(log.endOffset, expected);
      const all = await readAll(log, 0);
      assert.equal(all.length, expected);
      assert.equal(all[all.length - 1]?.value?.toString(), `c49-${(49 % 3) + 1 - 1}`);
    });
  });
}

function registerIdempotence(makeStore: Factory): void {
  const pid = (producerEpoch: number, baseSequence: number) => ({
    producerId: 42,
    producerEpoch,
    baseSequence,
  });

  it('deduplicates a retried idempotent batch with its original offsets', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      await log.append(textBatch('plain', 1));
      const first = await log.append(textBatch('p', 3, pid(0, 0)));
      const second = await log.append(textBatch('p', 2, pid(0, 3)));
      assert.deepEqual([first.baseOffset, first.lastOffset, first.duplicate], [1, 3, false]);
      const dup = await log.append(textBatch('p', 3, pid(0, 0)));
      assert.deepEqual([dup.baseOffset, dup.lastOffset, dup.duplicate], [1, 3, true]);
      const dup2 = await log.append(textBatch('p', 2, pid(0, 3)));
      assert.deepEqual(
        [dup2.baseOffset, dup2.lastOffset, dup2.duplicate],
        [second.baseOffset, second.lastOffset, true],
      );
      assert.equal(log.endOffset, 6);
      const third = await log.append(textBatch('p', 1, pid(0, 5)));
      assert.deepEqual([third.baseOffset, third.duplicate], [6, false]);
      assert.equal((await readAll(log, 0)).length, 7);
    });
  });

  it('remembers the last five batches of a producer', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const offsets: number[] = [];
      for (let i = 0; i < 7; i++) offsets.push((await log.append(textBatch('f', 1, pid(0, i)))).baseOffset);
      for (let i = 2; i < 7; i++) {
        const dup = await log.append(textBatch('f', 1, pid(0, i)));
        assert.deepEqual([dup.baseOffset, dup.duplicate], [offsets[i], true]);
      }
      assert.equal(log.endOffset, 7);
    });
  });

  it('rejects a sequence gap and a fenced epoch, writing nothing', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      await log.append(textBatch('g', 2, pid(3, 10)));
      await rejectsWith(log.append(textBatch('g', 1, pid(3, 13))), 'SY_ERR_PRODUCER_SEQUENCE_GAP');
      await rejectsWith(log.append(textBatch('g', 1, pid(2, 12))), 'SY_ERR_PRODUCER_FENCED');
      await rejectsWith(log.append(textBatch('g', 1, pid(4, 5))), 'SY_ERR_PRODUCER_SEQUENCE_GAP');
      assert.equal(log.endOffset, 2);
      assert.equal((await log.append(textBatch('g', 1, pid(3, 12)))).baseOffset, 2);
      assert.equal((await log.append(textBatch('g', 1, pid(4, 0)))).baseOffset, 3, 'a new epoch starts at 0');
      await rejectsWith(log.append(textBatch('g', 1, pid(3, 13))), 'SY_ERR_PRODUCER_FENCED');
      assert.equal(log.endOffset, 4);
    });
  });

  it('rejects a whole multi-batch append when one batch has a sequence gap', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const ok = textBatch('h', 2, pid(0, 0));
      const gap = textBatch('h', 2, pid(0, 5));
      await rejectsWith(log.append(Buffer.concat([ok, gap])), 'SY_ERR_PRODUCER_SEQUENCE_GAP');
      assert.equal(log.endOffset, 0);
      const both = await log.append(Buffer.concat([ok, textBatch('h', 2, pid(0, 2))]));
      assert.deepEqual([both.baseOffset, both.lastOffset], [0, 3]);
    });
  });

  it('orders concurrent idempotent appends from one producer', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const all = await Promise.all(
        Array.from({ length: 20 }, (_, i) => log.append(textBatch('q', 2, pid(0, i * 2)))),
      );
      assert.deepEqual(
        all.map((r) => r.baseOffset),
        Array.from({ length: 20 }, (_, i) => i * 2),
      );
    });
  });
}

function registerLifecycle(makeStore: Factory): void {
  it('returns the same log when a partition is opened twice', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log, fx) => {
      await log.append(textBatch('s', 1));
      const again = await fx.store.open('contract', 0, CONTRACT_CONFIG);
      assert.equal(again.endOffset, 1);
      const other = await fx.store.open('contract', 1, CONTRACT_CONFIG);
      assert.equal(other.endOffset, 0, 'partitions are independent');
    });
  });

  it('keeps data, offsets and producer state across reopen', async (t) => {
    const fx = await makeStore();
    try {
      if (fx.reopen === undefined) {
        t.skip('adapter has no reopen');
        return;
      }
      const log = await fx.store.open('contract', 0, CONTRACT_CONFIG);
      await log.append(textBatch('r', 3));
      const idem = await log.append(textBatch('r', 2, { producerId: 7, producerEpoch: 1, baseSequence: 0 }));
      await fx.store.close();
      const store2 = await fx.reopen();
      fx.store = store2;
      const log2 = await store2.open('contract', 0, CONTRACT_CONFIG);
      assert.deepEqual([log2.startOffset, log2.endOffset], [0, 5]);
      assert.deepEqual(values(await readAll(log2, 0)), ['r-0', 'r-1', 'r-2', 'r-0', 'r-1']);
      const dup = await log2.append(textBatch('r', 2, { producerId: 7, producerEpoch: 1, baseSequence: 0 }));
      assert.deepEqual([dup.baseOffset, dup.duplicate], [idem.baseOffset, true]);
      await rejectsWith(
        log2.append(textBatch('r', 1, { producerId: 7, producerEpoch: 1, baseSequence: 9 })),
        'SY_ERR_PRODUCER_SEQUENCE_GAP',
      );
      assert.equal((await log2.append(textBatch('r', 1))).baseOffset, 5);
    } finally {
      await fx.store.close().catch(() => {});
      await fx.cleanup();
    }
  });

  it('drops every partition of a stream', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log, fx) => {
      await log.append(textBatch('d', 3));
      const p1 = await fx.store.open('contract', 1, CONTRACT_CONFIG);
      await p1.append(textBatch('d', 2));
      const keep = await fx.store.open('kept', 0, CONTRACT_CONFIG);
      await keep.append(textBatch('k', 1));
      await fx.store.drop('contract');
      const fresh = await fx.store.open('contract', 0, CONTRACT_CONFIG);
      assert.deepEqual([fresh.startOffset, fresh.endOffset], [0, 0]);
      assert.equal((await fx.store.open('contract', 1, CONTRACT_CONFIG)).endOffset, 0);
      assert.equal((await fx.store.open('kept', 0, CONTRACT_CONFIG)).endOffset, 1);
    });
  });
}

const TINY: PartitionLogConfig = { ...CONTRACT_CONFIG, segmentBytes: 1024 };

function registerCleaning(makeStore: Factory): void {
  it('deletes old data by size, moving the start offset', async () => {
    await withLog(makeStore, TINY, async (log) => {
      for (let i = 0; i < 40; i++) await log.append(textBatch(`s${i}`, 5));
      const sizeBefore = log.sizeBytes;
      assert.equal(await log.clean(Date.now()), 0, 'nothing to delete without retention');
      log.reconfigure({ ...TINY, retentionBytes: 3000 });
      const freed = await log.clean(Date.now());
      assert.ok(freed > 0, 'some bytes freed');
      assert.ok(log.sizeBytes < sizeBefore);
      assert.equal(log.sizeBytes, sizeBefore - freed);
      assert.ok(log.startOffset > 0 && log.startOffset <= 200);
      assert.equal(log.endOffset, 200);
      await rejectsWith(log.read(log.startOffset - 1, 1000), 'SY_ERR_OFFSET_OUT_OF_RANGE');
      const rest = await readAll(log, log.startOffset);
      assert.equal(rest[0]?.offset, log.startOffset);
      assert.equal(rest[rest.length - 1]?.value?.toString(), 's39-4', 'the newest data stays');
      const r = await log.read(log.startOffset, 100);
      assert.equal(r.logStartOffset, log.startOffset);
      assert.equal((await log.append(textBatch('after', 1))).baseOffset, 200);
    });
  });

  it('deletes old data by time', async () => {
    await withLog(makeStore, TINY, async (log) => {
      for (let i = 0; i < 20; i++) await log.append(textBatch(`old${i}`, 5, { timestamp: T0 }));
      for (let i = 0; i < 20; i++) await log.append(textBatch(`new${i}`, 5, { timestamp: T0 + 100_000 }));
      log.reconfigure({ ...TINY, retentionMs: 50_000 });
      assert.equal(await log.clean(T0 + 40_000), 0, 'nothing is old enough yet');
      const freed = await log.clean(T0 + 140_000);
      assert.ok(freed > 0);
      assert.ok(log.startOffset > 0 && log.startOffset <= 100, `start ${log.startOffset}`);
      const rest = await readAll(log, log.startOffset);
      assert.ok(rest.filter((r) => r.value?.toString().startsWith('new')).length === 100, 'recent data kept');
      assert.equal(await log.offsetForTimestamp(T0), log.startOffset);
    });
  });

  it('compacts to the latest value per key, keeping offsets and order', async () => {
    const compact: PartitionLogConfig = { ...TINY, cleanupPolicy: 'compact', deleteRetentionMs: 10_000 };
    await withLog(makeStore, compact, async (log) => {
      const written: { offset: number; key: string; value: string | null }[] = [];
      const latest = new Map<string, string | null>();
      let seq = 0;
      const put = async (key: string, value: string | null, timestamp: number) => {
        const batch = encodeRecordBatch(
          [{ key: Buffer.from(key), value: value === null ? null : Buffer.from(value) }],
          {
            timestamp,
          },
        );
        const res = await log.append(batch);
        written.push({ offset: res.baseOffset, key, value });
        latest.set(key, value);
      };
      await put('gone', 'v0', T0);
      for (let round = 0; round < 8; round++) {
        for (let k = 0; k < 5; k++) await put(`k${k}`, `r${round}-${seq++}`, T0 + round);
      }
      await put('gone', null, T0 + 100);
      for (let i = 0; i < 60; i++) await put(`f${i % 3}`, `fill-${i}`, T0 + 200);
      const sizeBefore = log.sizeBytes;
      const freed = await log.clean(T0 + 5000);
      assert.ok(freed > 0, 'compaction freed space');
      assert.equal(log.sizeBytes, sizeBefore - freed);
      assert.equal(log.endOffset, written.length);
      const check = async () => {
        const all = await readAll(log, log.startOffset);
        const byOffset = new Map(written.map((w) => [w.offset, w]));
        let prev = -1;
        const seen = new Map<string, string | null>();
        for (const r of all) {
          assert.ok(r.offset > prev, 'offsets strictly increase');
          prev = r.offset;
          const w = byOffset.get(r.offset);
          assert.ok(w !== undefined, `offset ${r.offset} was written`);
          assert.equal(r.key?.toString(), w.key, 'a record keeps its offset');
          assert.equal(r.value === null ? null : r.value.toString(), w.value);
          seen.set(w.key, w.value);
        }
        assert.ok(all.length < written.length, 'superseded records were removed');
        for (const [key, value] of latest) {
          if (value !== null) assert.equal(seen.get(key), value, `latest value of ${key} kept`);
        }
        return all;
      };
      let all = await check();
      assert.ok(
        !all.some((r) => r.key?.toString() === 'gone' && r.value !== null),
        'tombstone hides older values',
      );
      assert.ok(
        all.some((r) => r.key?.toString() === 'gone' && r.value === null),
        'tombstone kept within deleteRetentionMs',
      );
      await log.clean(T0 + 100 + 10_001);
      all = await check();
      assert.ok(!all.some((r) => r.key?.toString() === 'gone'), 'tombstone removed after deleteRetentionMs');
      const after = written.length;
      await put('after', 'x', T0 + 300);
      assert.equal(written[written.length - 1]?.offset, after);
    });
  });
}
