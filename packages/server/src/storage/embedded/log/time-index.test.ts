import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TimeIndex } from './time-index.ts';

it('finds where to start scanning for a timestamp', () => {
  const index = new TimeIndex();
  index.append(1000, 10);
  index.append(2000, 20);
  index.append(3000, 30);
  assert.equal(index.scanStart(500), 0);
  assert.equal(index.scanStart(1000), 0, 'records below 10 may equal 1000');
  assert.equal(index.scanStart(1001), 10);
  assert.equal(index.scanStart(2500), 20);
  assert.equal(index.scanStart(9999), 30);
});

it('round-trips large timestamps and truncates after an offset', () => {
  const index = new TimeIndex();
  index.append(1_700_000_000_123, 5);
  index.append(1_700_000_000_999, 9);
  const decoded = TimeIndex.decode(Buffer.concat([index.encode(), Buffer.alloc(5)]));
  assert.deepEqual([decoded.count, decoded.lastTimestamp, decoded.lastRel], [2, 1_700_000_000_999, 9]);
  decoded.truncateAfter(6);
  assert.deepEqual([decoded.count, decoded.lastTimestamp], [1, 1_700_000_000_123]);
  assert.equal(new TimeIndex().lastTimestamp, Number.NEGATIVE_INFINITY);
});
