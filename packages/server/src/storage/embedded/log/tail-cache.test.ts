import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setBaseOffset, verifyBatches } from '@switchyard/protocol';
import { seededRandom } from '../../../testing/seeded-random.ts';
import { textBatch } from '../../contract/log-contract.ts';
import type { PartitionLog } from '../../log-store.ts';
import { EmbeddedLogStore } from './index.ts';
import { TailCache } from './tail-cache.ts';
import { tempDir, testConfig } from './test-support.ts';

/** Batches of `counts` records each, offsets from `base`, as one Buffer, and the offset after them. */
function batchesAt(base: number, counts: readonly number[]): { bytes: Buffer; next: number } {
  const parts: Buffer[] = [];
  let offset = base;
  for (const n of counts) {
    const b = textBatch('v', n);
    setBaseOffset(b, 0, offset);
    parts.push(b);
    offset += n;
  }
  return { bytes: Buffer.concat(parts), next: offset };
}

/** Everything from `offset` to the log end, read `maxBytes` at a time. */
async function readToEnd(log: PartitionLog, offset: number, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  while (offset < log.endOffset) {
    const r = await log.read(offset, maxBytes);
    parts.push(r.data);
    offset = r.nextOffset;
  }
  return Buffer.concat(parts);
}

const baseOffsets = (data: Buffer) => verifyBatches(data).map((h) => h.baseOffset);

describe('tail cache', () => {
  it('answers from the batch holding the offset, across chunks, and null outside', () => {
    const cache = new TailCache(1 << 20);
    const a = batchesAt(10, [2, 3]);
    const b = batchesAt(a.next, [1, 4]);
    cache.add(a.bytes, 10, a.next);
    cache.add(b.bytes, a.next, b.next);
    assert.equal(cache.startOffset, 10);
    assert.equal(cache.read(9, 1 << 20), null);
    assert.equal(cache.read(b.next, 1 << 20), null);
    const r = cache.read(13, 1 << 20)!;
    assert.deepEqual(baseOffsets(r.data), [12, 15, 16]);
    assert.equal(r.nextOffset, 20);
    assert.deepEqual(baseOffsets(cache.read(16, 1 << 20)!.data), [16]);
  });

  it('returns at least one batch and stops before maxBytes', () => {
    const cache = new TailCache(1 << 20);
    const a = batchesAt(0, [1, 1, 1]);
    cache.add(a.bytes, 0, a.next);
    const one = cache.read(0, 1)!;
    assert.deepEqual([baseOffsets(one.data), one.nextOffset], [[0], 1]);
    const size = one.data.length;
    assert.deepEqual(baseOffsets(cache.read(0, 2 * size)!.data), [0, 1]);
    assert.deepEqual(baseOffsets(cache.read(0, 2 * size - 1)!.data), [0]);
  });

  it('drops the oldest chunks past its capacity, never keeps a chunk larger than it, restarts on a gap', () => {
    const a = batchesAt(0, [1]);
    const cache = new TailCache(a.bytes.length * 2);
    let next = 0;
    for (let i = 0; i < 5; i++) {
      const c = batchesAt(next, [1]);
      cache.add(c.bytes, next, c.next);
      next = c.next;
    }
    assert.equal(cache.startOffset, 3);
    assert.equal(cache.bytes, a.bytes.length * 2);
    const big = batchesAt(next, [1, 1, 1]);
    cache.add(big.bytes, next, big.next);
    assert.equal(cache.bytes, 0);
    assert.equal(cache.read(next, 1 << 20), null);
    const later = batchesAt(100, [1]);
    cache.add(later.bytes, 100, later.next);
    assert.equal(cache.startOffset, 100, 'a chunk that does not continue the last one starts over');
  });

  it('a partition log answers every read from memory exactly as from its files (seeded)', async () => {
    const { dir, remove } = await tempDir();
    const rnd = seededRandom(0x7a11);
    const cached = await EmbeddedLogStore.open({ dataDir: `${dir}/a`, tailCacheBytes: 4096 });
    const plain = await EmbeddedLogStore.open({ dataDir: `${dir}/b`, tailCacheBytes: 0 });
    try {
      const config = testConfig({ segmentBytes: 8192 });
      const x = await cached.open('s', 0, config);
      const y = await plain.open('s', 0, config);
      for (let round = 0; round < 60; round++) {
        const calls = rnd.int(1, 3);
        const appends = [];
        for (let c = 0; c < calls; c++) {
          const counts = Array.from({ length: rnd.int(1, 3) }, () => rnd.int(1, 5));
          const parts = counts.map((n) => textBatch(`r${round}`, n));
          appends.push(
            x.append(Buffer.concat(parts)),
            y.append(Buffer.concat(parts.map((p) => Buffer.from(p)))),
          );
        }
        await Promise.all(appends);
        const end = x.endOffset;
        assert.equal(y.endOffset, end);
        for (let o = Math.max(0, end - 40); o <= end; o++) {
          const maxBytes = rnd.pick([1, 200, 600, 5000, 1 << 20]);
          // From memory a read may run on past a segment boundary where a file read stops, so
          // compare what a reader sees: every byte from `o` to the end, read by `maxBytes` steps.
          const [rx, ry] = await Promise.all([readToEnd(x, o, maxBytes), readToEnd(y, o, maxBytes)]);
          assert.equal(rx.toString('hex'), ry.toString('hex'), `offset ${o}, maxBytes ${maxBytes}`);
          const first = await x.read(o, maxBytes);
          const sizes = first.data.length === 0 ? [] : verifyBatches(first.data).map((h) => h.size);
          assert.ok(
            sizes.length <= 1 || first.data.length <= maxBytes,
            'more than one batch only within maxBytes',
          );
          assert.equal(first.highWatermark, end);
        }
      }
    } finally {
      await cached.close();
      await plain.close();
      await remove();
    }
  });
});
