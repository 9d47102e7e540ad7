/**
 * The exact-value index on its own: the pair table agrees with a Map through random inserts, replacements and
 * deletions in a crowded key space (collisions, growth, backward-shift deletion), and value ids are shared,
 * reference counted and recycled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PairTable, ValueIds } from './exact-values.ts';
import { prng } from './test-support.ts';

describe('PairTable', () => {
  it('agrees with a Map through random sets and deletes', () => {
    const rand = prng(7);
    const table = new PairTable();
    const model = new Map<string, number>();
    for (let step = 0; step < 40_000; step++) {
      const key = Math.floor(rand() * 40);
      const id = Math.floor(rand() * 60);
      const name = `${key}/${id}`;
      if (rand() < 0.55) {
        const target = Math.floor(rand() * 1000);
        table.set(key, id, target);
        model.set(name, target);
      } else {
        table.delete(key, id);
        model.delete(name);
      }
      if (step % 97 === 0) {
        for (let k = 0; k < 40; k++)
          for (let i = 0; i < 60; i++) assert.equal(table.get(k, i), model.get(`${k}/${i}`) ?? -1);
      }
      assert.equal(table.size, model.size);
    }
  });

  it('grows past its first capacity and still finds everything', () => {
    const table = new PairTable();
    for (let i = 0; i < 5000; i++) table.set(i % 7, i, i * 2);
    for (let i = 0; i < 5000; i++) assert.equal(table.get(i % 7, i), i * 2);
    assert.equal(table.get(3, 5001), -1);
  });
});

describe('ValueIds', () => {
  it('gives one id per value, keeps it while used, and recycles it after the last release', () => {
    const ids = new ValueIds();
    const a = ids.acquire('a');
    assert.equal(ids.acquire('a'), a);
    const five = ids.acquire(5);
    assert.notEqual(five, a);
    assert.notEqual(ids.acquire('5'), five, 'a string and a number are different values');
    const zero = ids.acquire(0);
    assert.equal(ids.idOf(-0), zero, '-0 and 0 are one value');
    ids.release('a');
    assert.equal(ids.idOf('a'), a);
    ids.release('a');
    assert.equal(ids.idOf('a'), -1);
    assert.equal(ids.acquire('b'), a, 'the freed id is reused');
    assert.equal(ids.idOf('never named'), -1);
  });

  it('has fixed ids for true, false and null that are never freed', () => {
    const ids = new ValueIds();
    const t = ids.idOf(true);
    assert.deepEqual(new Set([t, ids.idOf(false), ids.idOf(null)]).size, 3);
    ids.acquire(true);
    ids.release(true);
    assert.equal(ids.idOf(true), t);
    assert.ok(ids.acquire('x') > t);
  });
});
