/** Contract cases for opening, reopening, dropping, retention and compaction. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { encodeRecordBatch } from '@switchyard/protocol';
import type { PartitionLogConfig } from '../log-store.ts';
import {
  CONTRACT_CONFIG,
  type Factory,
  readAll,
  recordsFrom,
  rejectsWith,
  T0,
  textBatch,
  values,
  withLog,
} from './log-contract-support.ts';

/** Opening twice, reopen keeps data and producer state, drop. */
export function registerLifecycle(makeStore: Factory): void {
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

/** Retention by size and time, compaction with tombstones. */
export function registerCleaning(makeStore: Factory): void {
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

  it('deletes expired data of a partition that never filled a segment', async () => {
    await withLog(makeStore, { ...CONTRACT_CONFIG, retentionMs: 50_000 }, async (log) => {
      let lastBase = 0;
      for (let i = 0; i < 5; i++)
        lastBase = (await log.append(textBatch(`idle${i}`, 3, { timestamp: T0 }))).baseOffset;
      assert.equal(await log.clean(T0 + 40_000), 0, 'nothing is old enough yet');
      assert.ok(
        (await log.clean(T0 + 100_000)) > 0,
        'expired data is deleted though it is the newest there is',
      );
      // An adapter may keep the newest batch to hold its place (JetStream 2.9); none keeps more.
      assert.ok(log.startOffset >= lastBase, `start ${log.startOffset}, newest batch at ${lastBase}`);
      assert.equal(log.endOffset, 15);
      for (const r of await readAll(log, log.startOffset)) assert.ok(r.offset >= lastBase);
      assert.equal((await log.append(textBatch('fresh', 2, { timestamp: T0 + 100_000 }))).baseOffset, 15);
      assert.deepEqual(
        (await readAll(log, 15)).map((r) => r.value?.toString()),
        ['fresh-0', 'fresh-1'],
      );
    });
  });

  it('keeps the latest record of every key of a compact-only partition, however old (retention does not apply)', async () => {
    const compactOnly: PartitionLogConfig = {
      ...TINY,
      cleanupPolicy: 'compact',
      retentionMs: 1_000,
      retentionBytes: 10,
    };
    await withLog(makeStore, compactOnly, async (log) => {
      // A key written once, long ago: the first thing retention would take.
      await log.append(
        encodeRecordBatch([{ key: Buffer.from('once'), value: Buffer.from('old') }], { timestamp: T0 }),
      );
      for (let round = 0; round < 6; round++) {
        for (let k = 0; k < 4; k++) {
          const batch = encodeRecordBatch([{ key: Buffer.from(`k${k}`), value: Buffer.from(`r${round}`) }], {
            timestamp: T0 + round,
          });
          await log.append(batch);
        }
      }
      await log.clean(T0 + 10_000_000);
      const latest = new Map<string, string>();
      for (const r of await readAll(log, log.startOffset)) latest.set(r.key!.toString(), r.value!.toString());
      assert.deepEqual([...latest.entries()].sort(), [
        ['k0', 'r5'],
        ['k1', 'r5'],
        ['k2', 'r5'],
        ['k3', 'r5'],
        ['once', 'old'],
      ]);
      assert.equal(log.endOffset, 25);
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
      const kept = new Set(all.map((r) => r.offset));
      const removed = written.find((w) => !kept.has(w.offset) && w.offset > log.startOffset);
      assert.ok(removed !== undefined, 'some offset was compacted away');
      const at = await log.read(removed.offset, 1 << 20);
      const next = recordsFrom(at.data, removed.offset)[0];
      assert.equal(
        next?.offset,
        all.find((r) => r.offset > removed.offset)?.offset,
        'a read there starts at the next record',
      );
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
