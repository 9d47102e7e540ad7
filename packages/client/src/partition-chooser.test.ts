import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionForKey } from '@switchyard/protocol';
import { PartitionChooser } from './partition-chooser.ts';

describe('PartitionChooser', () => {
  it('routes keys with Kafka murmur2', () => {
    const c = new PartitionChooser(12);
    for (const key of ['a', 'order-1', 'customer/42', '']) {
      const bytes = new TextEncoder().encode(key);
      assert.equal(c.forKey(bytes), partitionForKey(bytes, 12));
    }
  });

  it('keeps keyless records on one partition until its batch is sealed', () => {
    const c = new PartitionChooser(3);
    assert.equal(c.sticky(), 0);
    c.sealed(2);
    assert.equal(c.sticky(), 0);
    c.sealed(0);
    assert.equal(c.sticky(), 1);
    c.sealed(1);
    c.sealed(2);
    assert.equal(c.sticky(), 0);
  });

  it('follows a grown partition count', () => {
    const c = new PartitionChooser(2, 1);
    const key = new TextEncoder().encode('k-7');
    c.count = 16;
    assert.equal(c.forKey(key), partitionForKey(key, 16));
    assert.throws(() => {
      c.count = 0;
    }, /positive integer/);
  });
});
