import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeFetchFrames,
  encodeRecordBatch,
  type FetchFrame,
  writeFetchFrameHeader,
} from '@switchyard/protocol';
import { nextFetchOffset, recordsFrom } from './fetch-decoder.ts';

function batch(baseOffset: number, values: string[]): Buffer {
  return encodeRecordBatch(
    values.map((v, i) => ({
      key: i === 0 ? Buffer.from('k') : null,
      value: Buffer.from(v),
      timestamp: 1000 + i,
    })),
    { baseOffset, timestamp: 1000 },
  );
}

function frame(batches: Buffer, nextOffset: number): FetchFrame {
  const meta = { stream: 'orders', partition: 3, highWatermark: 99, logStartOffset: 0, nextOffset };
  const out = Buffer.alloc(64 + batches.length);
  const pos = writeFetchFrameHeader(out, 0, meta, batches.length);
  batches.copy(out, pos);
  return decodeFetchFrames(out.subarray(0, pos + batches.length))[0]!;
}

describe('recordsFrom', () => {
  it('decodes every record of every batch with stream, partition and offset', () => {
    const f = frame(Buffer.concat([batch(10, ['a', 'b']), batch(12, ['c'])]), 13);
    const records = recordsFrom(f, 10);
    assert.deepEqual(
      records.map((r) => [r.stream, r.partition, r.offset, r.value?.toString(), r.timestamp]),
      [
        ['orders', 3, 10, 'a', 1000],
        ['orders', 3, 11, 'b', 1001],
        ['orders', 3, 12, 'c', 1000],
      ],
    );
    assert.equal(records[0]!.key?.toString(), 'k');
    assert.equal(records[1]!.key, null);
    assert.equal(nextFetchOffset(f, 10, records), 13);
  });

  it('skips records below the requested offset in the first batch', () => {
    const f = frame(batch(10, ['a', 'b', 'c', 'd']), 14);
    assert.deepEqual(
      recordsFrom(f, 12).map((r) => r.offset),
      [12, 13],
    );
  });

  it('leaves a batch cut short at the end for the next fetch', () => {
    const whole = batch(10, ['a']);
    const cut = batch(11, ['b']).subarray(0, 30);
    const f = frame(Buffer.concat([whole, cut]), 11);
    const records = recordsFrom(f, 10);
    assert.deepEqual(
      records.map((r) => r.offset),
      [10],
    );
    assert.equal(nextFetchOffset(f, 10, records), 11);
  });

  it('never moves backwards on an empty frame', () => {
    const f = frame(Buffer.alloc(0), 5);
    assert.equal(nextFetchOffset(f, 7, recordsFrom(f, 7)), 7);
  });
});
