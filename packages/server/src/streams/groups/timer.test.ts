import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualTimer } from './timer.ts';

describe('ManualTimer', () => {
  it('runs due tasks in time order at their own time, and not cancelled ones', () => {
    const timer = new ManualTimer(1000);
    const seen: [string, number][] = [];
    timer.schedule(30, () => seen.push(['late', timer.now()]));
    timer.schedule(10, () => seen.push(['early', timer.now()]));
    const cancel = timer.schedule(20, () => seen.push(['cancelled', timer.now()]));
    cancel();
    timer.advance(25);
    assert.deepEqual(seen, [['early', 1010]]);
    assert.equal(timer.now(), 1025);
    timer.advance(5);
    assert.deepEqual(seen.at(-1), ['late', 1030]);
    assert.equal(timer.pending, 0);
  });
});
