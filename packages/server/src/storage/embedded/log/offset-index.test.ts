import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OffsetIndex } from './offset-index.ts';

it('looks up the last entry at or before a relative offset', () => {
  const index = new OffsetIndex();
  for (let i = 1; i <= 100; i++) index.append(i * 10, i * 4096);
  assert.equal(index.lookup(0), 0, 'before the first entry: the segment start');
  assert.equal(index.lookup(9), 0);
  assert.equal(index.lookup(10), 4096);
  assert.equal(index.lookup(555), 55 * 4096);
  assert.equal(index.lookup(10_000), 100 * 4096);
  assert.equal(index.count, 100);
});

it('round-trips through its file bytes and stops at a torn or non-increasing tail', () => {
  const index = new OffsetIndex();
  for (let i = 1; i <= 5; i++) index.append(i, i * 100);
  const bytes = index.encode();
  assert.equal(OffsetIndex.decode(bytes).count, 5);
  assert.equal(OffsetIndex.decode(bytes.subarray(0, 8 * 3 + 5)).count, 3, 'torn entry dropped');
  const zeros = Buffer.concat([bytes, Buffer.alloc(64)]);
  assert.equal(OffsetIndex.decode(zeros).count, 5, 'zero padding ends it');
  const backwards = Buffer.concat([bytes, new OffsetIndex().encode(), Buffer.from([0, 0, 0, 2, 0, 0, 9, 9])]);
  assert.equal(OffsetIndex.decode(backwards).count, 5, 'a non-increasing entry ends it');
  const decoded = OffsetIndex.decode(bytes);
  decoded.truncate(2);
  assert.deepEqual([decoded.count, decoded.lastRel, decoded.lastPosition, decoded.persisted], [2, 2, 200, 2]);
});
