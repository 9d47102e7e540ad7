import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProduceResponse } from '@switchyard/protocol';
import { MemoryKvStore } from '../storage/memory/memory-kv-store.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import { packAnswer, unpackAnswer } from './produce-answer-codec.ts';

const answer = (base: number): ProduceResponse => ({
  ranges: [{ partition: 0, baseOffset: base, lastOffset: base }],
  offsets: [{ partition: 0, offset: base }],
});

function counter(): { calls: number; work: () => Promise<ProduceResponse> } {
  const c = {
    calls: 0,
    work: async () => answer(c.calls++),
  };
  return c;
}

describe('IdempotencyStore', () => {
  it('runs once per key and stream, and a reopened store remembers', async () => {
    const kv = new MemoryKvStore();
    const store = await IdempotencyStore.open({ kv, windowMs: 1000, maxBytes: 1 << 20 });
    const c = counter();
    const [a, b] = await Promise.all([store.run('s', 'k', c.work), store.run('s', 'k', c.work)]);
    assert.deepEqual(a, answer(0));
    assert.deepEqual(b, answer(0), 'a retry during the first attempt waits for it');
    assert.deepEqual(await store.run('t', 'k', c.work), answer(1), 'another stream, another request');
    const reopened = await IdempotencyStore.open({ kv, windowMs: 1000, maxBytes: 1 << 20 });
    assert.deepEqual(await reopened.run('s', 'k', c.work), answer(0));
    assert.equal(c.calls, 2);
  });

  it('forgets a failed attempt so the retry runs', async () => {
    const store = await IdempotencyStore.open({ kv: new MemoryKvStore(), windowMs: 1000, maxBytes: 1 << 20 });
    await assert.rejects(
      store.run('s', 'k', async () => {
        throw new Error('boom');
      }),
    );
    assert.deepEqual(await store.run('s', 'k', async () => answer(7)), answer(7));
  });

  it('expires keys by the window, in memory and on disk', async () => {
    const kv = new MemoryKvStore();
    let now = 1_000;
    const store = await IdempotencyStore.open({ kv, windowMs: 100, maxBytes: 1 << 20, now: () => now });
    const c = counter();
    await store.run('s', 'k', c.work);
    now += 99;
    assert.deepEqual(await store.run('s', 'k', c.work), answer(0));
    now += 1;
    assert.deepEqual(await store.run('s', 'k', c.work), answer(1), 'written again after the window');
    now += 100;
    await store.sweep();
    assert.equal(store.size, 0);
    assert.deepEqual(await kv.list('idempotency/'), []);
  });

  it('stays within maxBytes by forgetting the oldest keys', async () => {
    const kv = new MemoryKvStore();
    const store = await IdempotencyStore.open({ kv, windowMs: 60_000, maxBytes: 4096 });
    const c = counter();
    for (let i = 0; i < 200; i++) await store.run('s', `k${i}`, c.work);
    await store.sweep();
    assert.ok(store.size < 50, `${store.size} keys kept`);
    assert.equal((await kv.list('idempotency/')).length, store.size);
    assert.deepEqual(await store.run('s', 'k199', c.work), answer(199), 'the newest are kept');
  });

  it('with a window of 0 deduplicates nothing', async () => {
    const store = await IdempotencyStore.open({ kv: new MemoryKvStore(), windowMs: 0, maxBytes: 1 << 20 });
    const c = counter();
    await store.run('s', 'k', c.work);
    await store.run('s', 'k', c.work);
    assert.equal(c.calls, 2);
  });
});

describe('produce answer codec', () => {
  it('packs offsets that follow the ranges and rebuilds them exactly', () => {
    const full: ProduceResponse = {
      ranges: [
        { partition: 2, baseOffset: 10, lastOffset: 12 },
        { partition: 0, baseOffset: 5, lastOffset: 5, duplicate: true },
      ],
      offsets: [
        { partition: 2, offset: 10 },
        { partition: 2, offset: 11 },
        { partition: 0, offset: 5 },
        { partition: 2, offset: 12 },
      ],
    };
    const packed = packAnswer(full);
    assert.deepEqual(packed, { r: full.ranges, p: [2, 2, 0, 1, 2, 1] });
    assert.deepEqual(unpackAnswer(packed), full);
    assert.deepEqual(unpackAnswer(packAnswer({ ranges: full.ranges })), { ranges: full.ranges });
  });

  it('keeps an answer whole when its offsets do not follow the ranges', () => {
    const odd: ProduceResponse = {
      ranges: [{ partition: 0, baseOffset: 0, lastOffset: 1 }],
      offsets: [
        { partition: 0, offset: 1 },
        { partition: 0, offset: 0 },
      ],
    };
    assert.deepEqual(packAnswer(odd), odd);
    assert.deepEqual(unpackAnswer(packAnswer(odd)), odd);
  });

  it('refuses a key reused with another fingerprint, also after a reopen, and runs nothing', async () => {
    const kv = new MemoryKvStore();
    const store = await IdempotencyStore.open({ kv, windowMs: 1000, maxBytes: 1 << 20 });
    const c = counter();
    assert.deepEqual(await store.run('s', 'k', c.work, 'body-a'), answer(0));
    await assert.rejects(store.run('s', 'k', c.work, 'body-b'), { code: 'SY_ERR_IDEMPOTENCY_KEY_REUSED' });
    const reopened = await IdempotencyStore.open({ kv, windowMs: 1000, maxBytes: 1 << 20 });
    await assert.rejects(reopened.run('s', 'k', c.work, 'body-b'), { code: 'SY_ERR_IDEMPOTENCY_KEY_REUSED' });
    assert.deepEqual(await reopened.run('s', 'k', c.work, 'body-a'), answer(0));
    assert.equal(c.calls, 1);
  });

  it('forgets the keys of a deleted stream, in memory, on disk and at open', async () => {
    const kv = new MemoryKvStore();
    const store = await IdempotencyStore.open({ kv, windowMs: 1000, maxBytes: 1 << 20 });
    const c = counter();
    await store.run('gone', 'k', c.work);
    await store.run('kept', 'k', c.work);
    await store.forgetStream('gone');
    assert.equal(store.size, 1);
    assert.deepEqual(await store.run('gone', 'k', c.work), answer(2), 'runs again');
    const reopened = await IdempotencyStore.open({
      kv,
      windowMs: 1000,
      maxBytes: 1 << 20,
      streamExists: (s) => s === 'kept',
    });
    assert.equal(reopened.size, 1, 'keys of a stream that no longer exists are dropped at open');
    assert.equal((await kv.list('idempotency/')).length, 1);
    assert.deepEqual(await reopened.run('kept', 'k', c.work), answer(1));
  });
});
