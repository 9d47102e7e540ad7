import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyBatches } from '@switchyard/protocol';
import { textBatch } from '../../contract/log-contract.ts';
import { EmbeddedLogStore } from './index.ts';
import { ReadBufferPool } from './read-buffer-pool.ts';
import { tempDir, testConfig } from './test-support.ts';

describe('read buffer pool', () => {
  it('hands a released buffer to the next take of about its size, once however often released', () => {
    const pool = new ReadBufferPool(8 << 20);
    const a = pool.take(1_000_000);
    assert.ok(a.buf.length >= 1_000_000);
    a.release!();
    a.release!();
    assert.equal(pool.heldBytes, a.buf.length);
    const b = pool.take(1_000_000);
    const c = pool.take(1_000_000);
    assert.equal(b.buf, a.buf, 'the released buffer is reused');
    assert.notEqual(c.buf, a.buf, 'a buffer handed back twice is still handed out once');
    assert.equal(pool.heldBytes, 0);
  });

  it('gives small reads a plain buffer, keeps no more than its cap, never reuses one more than twice too big', () => {
    const pool = new ReadBufferPool(3 << 20);
    const small = pool.take(1000);
    assert.equal(small.release, undefined);
    assert.equal(small.buf.length, 1000);
    const big = [pool.take(2 << 20), pool.take(2 << 20)];
    for (const l of big) l.release!();
    assert.equal(pool.heldBytes, 2 << 20, 'the second buffer would pass the cap: dropped');
    assert.notEqual(pool.take(512 << 10).buf, big[0]!.buf, 'a 2 MiB buffer is not spent on 512 KiB');
    assert.equal(pool.take(1.5 * 2 ** 20).buf, big[0]!.buf);
  });

  it('a partition log reuses a released read buffer and never overwrites one still held', async () => {
    const { dir, remove } = await tempDir();
    const store = await EmbeddedLogStore.open({ dataDir: dir, tailCacheBytes: 0 });
    try {
      const log = await store.open('s', 0, testConfig({ segmentBytes: 64 << 20 }));
      for (let i = 0; i < 40; i++) await log.append(textBatch(`v${i}-${'x'.repeat(2000)}`, 100));
      const maxBytes = 1 << 20;
      const held = await log.read(0, maxBytes);
      assert.ok(held.release !== undefined, 'a read of this size comes from the pool');
      const heldCopy = Buffer.from(held.data);
      const second = await log.read(held.nextOffset, maxBytes);
      assert.notEqual(second.data.buffer, held.data.buffer, 'a held buffer is not handed out again');
      assert.deepEqual(held.data, heldCopy, 'a held read is untouched by later reads');
      second.release!();
      const third = await log.read(0, maxBytes);
      assert.equal(third.data.buffer, second.data.buffer, 'a released buffer is reused');
      assert.deepEqual(third.data, heldCopy, 'and filled with the bytes of the new read');
      assert.equal(verifyBatches(third.data)[0]!.baseOffset, 0);
    } finally {
      await store.close();
      await remove();
    }
  });
});
