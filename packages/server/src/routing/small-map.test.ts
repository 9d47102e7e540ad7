/** SmallMap agrees with a Map through random sets and deletes, whether its entries sit inline or overflow. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SmallMap } from './small-map.ts';
import { prng } from './test-support.ts';

describe('SmallMap', () => {
  it('agrees with a Map through random sets and deletes', () => {
    const rand = prng(11);
    const small = new SmallMap<string, number>();
    const model = new Map<string, number>();
    for (let step = 0; step < 5000; step++) {
      const key = `k${Math.floor(rand() * 6)}`;
      if (rand() < 0.6) {
        small.set(key, step);
        model.set(key, step);
      } else {
        assert.equal(small.delete(key), model.delete(key));
      }
      assert.equal(small.size, model.size);
      for (let k = 0; k < 6; k++) assert.equal(small.get(`k${k}`), model.get(`k${k}`));
      assert.deepEqual(new Map(small.entries()), model);
      assert.deepEqual([...small.keys()].sort(), [...model.keys()].sort());
      assert.deepEqual([...small.values()].sort(), [...model.values()].sort());
    }
  });
});
