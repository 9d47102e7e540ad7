import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionQueue } from './partition-queue.ts';
import { ProducerBatch } from './producer-batch.ts';

function batch(records: number): ProducerBatch {
  const b = new ProducerBatch(0, 0);
  for (let i = 0; i < records; i++) b.add({ value: Buffer.from([i]) }, 1);
  return b;
}

function queue(...sizes: number[]): { q: PartitionQueue; b: ProducerBatch[] } {
  const q = new PartitionQueue(5);
  const b = sizes.map(batch);
  for (const x of b) q.push(x);
  return { q, b };
}

describe('PartitionQueue', () => {
  it('numbers batches by records on their first send and pipelines them', () => {
    const { q, b } = queue(3, 2, 4);
    for (const x of b) {
      assert.equal(q.next(0), x);
      q.sent(x, 0);
    }
    assert.deepEqual(
      b.map((x) => x.baseSequence),
      [0, 3, 5],
    );
    assert.equal(q.nextSequence, 9);
    assert.equal(q.next(0), undefined);
    q.acked(b[1]!);
    q.acked(b[0]!);
    assert.deepEqual(q.batches, [b[2]]);
    assert.equal(q.inFlight, 1);
  });

  it('keeps its sequence on a retry and sends only the oldest batch while recovering', () => {
    const { q, b } = queue(1, 1, 1);
    q.sent(b[0]!, 0);
    q.sent(b[1]!, 0);
    q.requeue(b[0]!, 100);
    assert.equal(q.next(200), undefined, 'waits for the batch still out');
    assert.equal(q.explainsGap(b[1]!), true, 'the later batch may see a gap');
    q.requeue(b[1]!, 0);
    assert.deepEqual(q.batches, b);
    assert.equal(q.next(50), undefined, 'backoff');
    assert.equal(q.next(100), b[0]);
    q.sent(b[0]!, 100);
    assert.equal(b[0]!.baseSequence, 0);
    assert.equal(q.next(100), undefined, 'one at a time while recovering');
    q.acked(b[0]!);
    assert.equal(q.next(100), b[1]);
    q.sent(b[1]!, 100);
    assert.equal(q.next(100), b[2], 'pipelining again');
  });

  it('closes the hole a refused batch leaves, marking copies in flight as stale', () => {
    const { q, b } = queue(2, 3, 4);
    q.sent(b[0]!, 0);
    q.sent(b[1]!, 0);
    q.rejected(b[0]!);
    assert.equal(b[1]!.baseSequence, 0);
    assert.equal(b[1]!.staleSequence, true);
    assert.equal(q.explainsGap(b[1]!), true);
    q.requeue(b[1]!, 0);
    assert.equal(q.next(0), b[1]);
    q.sent(b[1]!, 0);
    assert.equal(b[1]!.staleSequence, false);
    q.acked(b[1]!);
    q.sent(q.next(0)!, 0);
    assert.equal(b[2]!.baseSequence, 3);
    assert.equal(q.nextSequence, 7);
  });

  it('keeps one batch in flight unless asked to pipeline', () => {
    const q = new PartitionQueue();
    const b = [batch(1), batch(1)];
    for (const x of b) q.push(x);
    q.sent(q.next(0)!, 0);
    assert.equal(q.next(0), undefined);
    q.acked(b[0]!);
    assert.equal(q.next(0), b[1]);
  });

  it('does not explain a gap of the oldest batch', () => {
    const { q, b } = queue(1);
    q.sent(b[0]!, 0);
    assert.equal(q.explainsGap(b[0]!), false);
  });

  it('restarts the sequence from 0 at the oldest batch when the server forgot the producer', () => {
    const id = { producerId: 7, epoch: 0 };
    const { q, b } = queue(2, 3, 4);
    q.sent(b[0]!, 0, id);
    q.acked(b[0]!);
    q.sent(b[1]!, 0, id);
    q.sent(b[2]!, 0, id);
    assert.deepEqual([b[1]!.baseSequence, b[2]!.baseSequence], [2, 5]);
    q.requeue(b[1]!, 0);
    q.restart(b[1]!, id);
    assert.deepEqual([b[1]!.baseSequence, b[2]!.baseSequence], [0, 3]);
    assert.equal(b[2]!.staleSequence, true, 'the copy in flight is bound to fail');
    assert.equal(q.nextSequence, 7);
  });

  it('moves to a new identity only once batches numbered under the old one are settled', () => {
    const old = { producerId: 7, epoch: 0 };
    const renewed = { producerId: 9, epoch: 0 };
    const { q, b } = queue(2, 3);
    q.sent(b[0]!, 0, old);
    assert.equal(q.next(0, renewed), undefined, 'waits for the batch out under the old identity');
    assert.equal(q.nextRetryAt(renewed), Number.POSITIVE_INFINITY);
    q.acked(b[0]!);
    assert.equal(q.next(0, renewed), b[1]);
    q.sent(b[1]!, 0, renewed);
    assert.deepEqual([b[1]!.producerId, b[1]!.baseSequence], [9, 0]);
  });

  it('numbers under the new identity after a restart and closes later holes there', () => {
    const old = { producerId: 7, epoch: 0 };
    const renewed = { producerId: 9, epoch: 0 };
    const { q, b } = queue(2, 3, 1);
    q.sent(b[0]!, 0, old);
    q.requeue(b[0]!, 0);
    q.restart(b[0]!, renewed);
    q.sent(b[0]!, 0, renewed);
    q.acked(b[0]!);
    q.sent(b[1]!, 0, renewed);
    q.sent(b[2]!, 0, renewed);
    assert.deepEqual([b[1]!.baseSequence, b[2]!.baseSequence], [2, 5]);
    q.rejected(b[1]!);
    assert.equal(b[2]!.baseSequence, 2);
    assert.equal(q.nextSequence, 3);
  });
});
