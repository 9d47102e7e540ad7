import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { crc32c } from './crc32c.ts';

const require = createRequire(import.meta.url);
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;

describe('crc32c', () => {
  it('gives the standard check value for "123456789"', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });

  it('is 0 for empty input and chains through seeds', () => {
    assert.equal(crc32c(Buffer.alloc(0)), 0);
    const data = Buffer.from('hello, switchyard event backbone');
    const whole = crc32c(data);
    for (let cut = 0; cut <= data.length; cut++) {
      assert.equal(crc32c(data, cut, data.length, crc32c(data, 0, cut)), whole);
    }
  });

  it('agrees with the kafkajs implementation on random inputs of every length up to 300', () => {
    let seed = 7;
    for (let len = 0; len <= 300; len++) {
      const buf = Buffer.alloc(len);
      for (let i = 0; i < len; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        buf[i] = seed >>> 24;
      }
      assert.equal(crc32c(buf), kafkajsCrc32c(buf) >>> 0, `length ${len}`);
    }
  });
});
