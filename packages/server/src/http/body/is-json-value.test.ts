import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isJsonValue } from './is-json-value.ts';

describe('isJsonValue', () => {
  it('accepts stored JSON values of every kind, from Buffers and plain Uint8Arrays', () => {
    for (const text of ['null', '{"a":[1,"é"]}', '"x"', '-1.5e3', ' true ']) {
      assert.ok(isJsonValue(Buffer.from(text)), text);
      assert.ok(isJsonValue(new Uint8Array(Buffer.from(text))), text);
    }
    const inner = Buffer.from('xx{"a":1}yy').subarray(2, 9);
    assert.ok(isJsonValue(new Uint8Array(inner.buffer, inner.byteOffset, inner.length)));
  });

  it('rejects binary, partial and concatenated values', () => {
    for (const bytes of [
      Buffer.from([0xff, 0x00]),
      Buffer.from('{"a":'),
      Buffer.from('1 2'),
      Buffer.alloc(0),
      Buffer.from('hello'),
    ]) {
      assert.equal(isJsonValue(bytes), false);
    }
  });

  it('honours a depth limit', () => {
    assert.equal(isJsonValue(Buffer.from('[[[]]]'), { maxDepth: 2 }), false);
    assert.equal(isJsonValue(Buffer.from('[[[]]]'), { maxDepth: 3 }), true);
  });
});
