/** Contract cases for appends, reads, offsets, timestamps and idempotent producers. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeBatches, encodeRecordBatch, type RecordInput } from '@switchyard/protocol';
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

/** Append/read round trips, offsets, maxBytes, timestamps, onAppend, all-or-nothing, ordering. */
export function registerBasics(makeStore: Factory): void {
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

/** Idempotent producer: dedup, the last five batches, gaps and fencing. */
export function registerIdempotence(makeStore: Factory): void {
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

  it('rejects an unknown producer not starting at 0, a sequence gap and a fenced epoch, writing nothing', async () => {
    await withLog(makeStore, CONTRACT_CONFIG, async (log) => {
      const stranger = { ...pid(0, 4), producerId: 4243 };
      await rejectsWith(log.append(textBatch('g', 1, stranger)), 'SY_ERR_PRODUCER_UNKNOWN');
      await log.append(textBatch('g', 2, pid(3, 0)));
      await rejectsWith(log.append(textBatch('g', 1, pid(3, 3))), 'SY_ERR_PRODUCER_SEQUENCE_GAP');
      await rejectsWith(log.append(textBatch('g', 1, pid(2, 2))), 'SY_ERR_PRODUCER_FENCED');
      await rejectsWith(log.append(textBatch('g', 1, pid(4, 5))), 'SY_ERR_PRODUCER_SEQUENCE_GAP');
      assert.equal(log.endOffset, 2);
      assert.equal((await log.append(textBatch('g', 1, pid(3, 2)))).baseOffset, 2);
      assert.equal((await log.append(textBatch('g', 1, pid(4, 0)))).baseOffset, 3, 'a new epoch starts at 0');
      await rejectsWith(log.append(textBatch('g', 1, pid(3, 3))), 'SY_ERR_PRODUCER_FENCED');
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
