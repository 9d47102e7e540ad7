import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageIndex } from './message-index.ts';

function indexOf(ranges: Array<[number, number, number]>): MessageIndex {
  const index = new MessageIndex();
  for (const [i, [base, last, ts]] of ranges.entries()) {
    index.push({ seq: i + 1, baseOffset: base, lastOffset: last, maxTimestamp: ts, bytes: 10 });
  }
  return index;
}

describe('MessageIndex', () => {
  it('finds the message holding an offset, or the next one after a hole', () => {
    const index = indexOf([
      [0, 4, 100],
      [5, 5, 50],
      [6, 9, 300],
      [12, 15, 200],
    ]);
    assert.deepEqual(
      [0, 4, 5, 6, 9, 10, 12, 15, 16].map((o) => index.findOffset(o)),
      [0, 0, 1, 2, 2, 3, 3, 3, -1],
    );
  });

  it('finds by running max timestamp, so an early large timestamp is not skipped', () => {
    const index = indexOf([
      [0, 4, 100],
      [5, 5, 50],
      [6, 9, 300],
      [10, 11, 200],
    ]);
    assert.deepEqual(
      [0, 100, 101, 250, 300, 301].map((t) => index.findTimestamp(t)),
      [0, 0, 2, 2, 2, -1],
    );
  });

  it('drops from the front and from anywhere, keeping bytes and lookups right', () => {
    const index = indexOf(
      Array.from({ length: 3000 }, (_, i): [number, number, number] => [i * 2, i * 2 + 1, i]),
    );
    assert.equal(index.dropFront(2000), 20000);
    assert.deepEqual([index.length, index.bytes, index.at(0)?.baseOffset], [1000, 10000, 4000]);
    assert.equal(index.findOffset(4001), 0);
    assert.equal(index.dropBeforeSeq(2101), 1000);
    assert.equal(index.at(0)?.seq, 2101);
    assert.equal(index.removeSeqs(new Set([2102, 2104, 99999])), 20);
    assert.deepEqual([index.at(1)?.seq, index.at(2)?.seq, index.length], [2103, 2105, 898]);
    assert.equal(index.findOffset(4202), 1, 'offsets of a removed message fall to the next one');
    assert.equal(index.findTimestamp(2102), 1);
  });
});
