import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c, crc32cJs, useCrc32c, usingJsCrc32c } from '@switchyard/protocol';
import { installNativeCrc32c } from './native-crc32c.ts';
import { seededRandom } from './testing/seeded-random.ts';

describe('native CRC32C', () => {
  it('installs on this platform and agrees with the JS CRC on random slices and seeds', () => {
    assert.equal(installNativeCrc32c(), 'native');
    try {
      assert.ok(!usingJsCrc32c());
      const rnd = seededRandom(0xc3c);
      const buf = Buffer.alloc(70_000);
      for (let i = 0; i < buf.length; i++) buf[i] = rnd.int(0, 255);
      for (let i = 0; i < 500; i++) {
        const start = rnd.int(0, buf.length);
        const end = rnd.int(start, Math.min(buf.length, start + rnd.pick([0, 7, 200, 5000, 70_000])));
        const seed = rnd.chance(0.5) ? 0 : rnd.int(0, 2 ** 32 - 1);
        assert.equal(crc32c(buf, start, end, seed), crc32cJs(buf, start, end, seed), `${start}..${end}`);
        const view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
        assert.equal(crc32c(view, start, end, seed), crc32cJs(view, start, end, seed));
      }
    } finally {
      useCrc32c(null);
    }
  });
});
