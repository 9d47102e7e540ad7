import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TargetStack } from './field-matcher.ts';
import { NumericIndex } from './numeric-index.ts';
import { prng } from './test-support.ts';

describe('NumericIndex', () => {
  it('finds exactly the ranges containing a value (seeded, against a linear scan)', () => {
    const rand = prng(42);
    const index = new NumericIndex<number>();
    const ranges: { low: number; lowOpen: boolean; high: number; highOpen: boolean }[] = [];
    for (let i = 0; i < 300; i++) {
      const low = Math.floor(rand() * 100) - 50;
      const r = {
        low: rand() < 0.1 ? -Infinity : low,
        lowOpen: rand() < 0.5,
        high: low + Math.floor(rand() * 30) + 1,
        highOpen: rand() < 0.5,
      };
      ranges.push(r);
      index.add(r.low, r.lowOpen, r.high, r.highOpen, i);
    }
    for (let i = 0; i < 100; i += 3) {
      const r = ranges[i] as (typeof ranges)[number];
      index.remove(r.low, r.lowOpen, r.high, r.highOpen, i);
    }
    for (let k = 0; k < 500; k++) {
      const x = Math.floor(rand() * 200) / 2 - 60;
      const out = new TargetStack<number>();
      index.collect(x, out);
      const want = ranges
        .map((r, i) => ({ r, i }))
        .filter(
          ({ r, i }) =>
            !(i < 100 && i % 3 === 0) &&
            (r.lowOpen ? x > r.low : x >= r.low) &&
            (r.highOpen ? x < r.high : x <= r.high),
        )
        .map(({ i }) => i)
        .sort((a, b) => a - b);
      assert.deepEqual(
        out.items.slice(0, out.top).sort((a, b) => a - b),
        want,
        `x = ${x}`,
      );
    }
  });

  it('scans a few ranges and indexes many, with the same answers across the switch (seeded)', () => {
    const rand = prng(9);
    const index = new NumericIndex<number>();
    const live = new Map<number, { low: number; high: number }>();
    let next = 0;
    for (let step = 0; step < 300; step++) {
      if (step % 100 < 50 || live.size === 0) {
        const low = Math.floor(rand() * 20);
        const r = { low, high: low + Math.floor(rand() * 5) + 1 };
        live.set(next, r);
        index.add(r.low, false, r.high, true, next++);
      } else {
        const [id, r] = [...live][Math.floor(rand() * live.size)] as [number, { low: number; high: number }];
        live.delete(id);
        index.remove(r.low, false, r.high, true, id);
      }
      const x = Math.floor(rand() * 26);
      const out = new TargetStack<number>();
      index.collect(x, out);
      const want = [...live]
        .filter(([, r]) => x >= r.low && x < r.high)
        .map(([id]) => id)
        .sort((a, b) => a - b);
      assert.deepEqual(
        out.items.slice(0, out.top).sort((a, b) => a - b),
        want,
      );
    }
  });
});
