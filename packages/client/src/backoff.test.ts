import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, DEFAULT_RETRY, resolveRetryOptions, sleep } from './backoff.ts';

describe('backoffDelay', () => {
  const o = { retries: 10, initialMs: 100, maxMs: 1000, multiplier: 2 };

  it('grows exponentially between half and all of the ceiling', () => {
    assert.equal(
      backoffDelay(0, o, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(0, o, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(1, o, () => 0),
      100,
    );
    assert.equal(
      backoffDelay(2, o, () => 0.5),
      300,
    );
  });

  it('never exceeds maxMs', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const d = backoffDelay(attempt, o, () => 0.999);
      assert.ok(d <= 1000, `attempt ${attempt}: ${d}`);
    }
    assert.equal(
      backoffDelay(30, o, () => 0),
      500,
    );
  });

  it('spreads retries of clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, o)));
    assert.ok(delays.size > 10);
  });
});

describe('resolveRetryOptions', () => {
  it('fills defaults and keeps given fields', () => {
    assert.deepEqual(resolveRetryOptions(undefined), DEFAULT_RETRY);
    assert.equal(resolveRetryOptions({ retries: 0 }).retries, 0);
    assert.equal(resolveRetryOptions({ retries: 0 }).maxMs, DEFAULT_RETRY.maxMs);
  });

  it('rejects nonsense with a message naming the field', () => {
    assert.throws(() => resolveRetryOptions({ retries: -1 }), /retry.retries/);
    assert.throws(() => resolveRetryOptions({ initialMs: 10, maxMs: 5 }), /retry.maxMs/);
    assert.throws(() => resolveRetryOptions({ multiplier: 0.5 }), /retry.multiplier/);
  });
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
  });
});
