import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { murmur2, partitionForKey } from './partitioner.ts';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  k: string | Buffer,
) => number;

describe('murmur2 partitioner', () => {
  it('matches Kafka test vectors', () => {
    // From Kafka's UtilsTest#testMurmur2 via kafkajs's spec.
    assert.equal(murmur2(Buffer.from('21')), -973932308);
    assert.equal(murmur2(Buffer.from('foobar')), -790332482);
    assert.equal(murmur2(Buffer.from('a-little-bit-long-string')), -985981536);
    assert.equal(murmur2(Buffer.from('a-little-bit-longer-string')), -1486304829);
    assert.equal(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')), -58897971);
    assert.equal(murmur2(Buffer.from([97, 98, 99])), 479470107);
  });

  it('agrees with kafkajs on many keys, so Kafka clients route keys the same way', () => {
    for (let i = 0; i < 2000; i++) {
      const key = `order-${i * 7919}-${'x'.repeat(i % 13)}`;
      assert.equal(murmur2(Buffer.from(key)), kafkajsMurmur2(key), key);
      const p = partitionForKey(Buffer.from(key), 12);
      assert.equal(p, (kafkajsMurmur2(key) & 0x7fffffff) % 12);
    }
  });
});
