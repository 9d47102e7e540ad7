import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { crc32c, crc32cJs, useCrc32c, usingJsCrc32c } from './crc32c.ts';

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

  it('uses an installed implementation only after it agrees with the JS one', () => {
    const wrong = (buf: Uint8Array, s: number, e: number, seed: number) =>
      (crc32cJs(buf, s, e, seed) ^ 1) >>> 0;
    assert.throws(() => useCrc32c(wrong), /disagrees/);
    assert.ok(usingJsCrc32c(), 'a rejected implementation is not installed');
    // Agrees except when continuing from a seed: still rejected.
    assert.throws(() => useCrc32c((buf, s, e) => crc32cJs(buf, s, e, 0)), /disagrees/);
    let calls = 0;
    useCrc32c((buf, s, e, seed) => {
      calls++;
      return crc32cJs(buf, s, e, seed);
    });
    try {
      const before = calls;
      assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
      assert.equal(calls, before + 1);
      assert.ok(!usingJsCrc32c());
    } finally {
      useCrc32c(null);
    }
    assert.ok(usingJsCrc32c());
  });
});
