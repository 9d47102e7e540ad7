import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBatches, encodeRecordBatch, setBaseOffset } from '@switchyard/protocol';
import { firstOffsetAtOrAfter, sliceRead } from './partition-read.ts';

function batch(base: number, count: number, ts: number): Buffer {
  const b = encodeRecordBatch(
    Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`v${base + i}`), timestamp: ts + i })),
    { timestamp: ts },
  );
  setBaseOffset(b, 0, base);
  return b;
}

describe('partition reads', () => {
  const m1 = Buffer.concat([batch(0, 3, 1000), batch(3, 2, 2000)]);
  const m2 = batch(5, 4, 3000);

  it('starts at the batch holding the offset and returns whole batches up to maxBytes', () => {
    const all = sliceRead([m1, m2], 4, 1 << 20);
    assert.deepEqual(
      decodeBatches(all.data).map((r) => r.offset),
      [3, 4, 5, 6, 7, 8],
    );
    assert.equal(all.nextOffset, 9);
    const one = sliceRead([m1, m2], 0, 1);
    assert.deepEqual([decodeBatches(one.data).length, one.nextOffset], [3, 3]);
    const two = sliceRead([m1, m2], 0, m1.length);
    assert.equal(two.nextOffset, 5);
    assert.equal(two.data.length, m1.length);
  });

  it('finds the first record at or after a timestamp, not below the start offset', () => {
    assert.equal(firstOffsetAtOrAfter(m1, 1001, 0), 1);
    assert.equal(firstOffsetAtOrAfter(m1, 1500, 0), 3);
    assert.equal(firstOffsetAtOrAfter(m1, 0, 2), 2);
    assert.equal(firstOffsetAtOrAfter(m1, 5000, 0), null);
  });
});
