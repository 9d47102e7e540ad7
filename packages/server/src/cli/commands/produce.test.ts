import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadLineError, lineToRecord } from './produce.ts';

describe('lineToRecord', () => {
  it('keeps the exact line bytes as the value', () => {
    const r = lineToRecord('{"b":1,  "a":2}', 1, undefined);
    assert.equal((r.value as Buffer).toString(), '{"b":1,  "a":2}');
    assert.equal(r.key, undefined);
  });

  it('takes the key from a dotted field path, JSON text for non-strings', () => {
    assert.equal(lineToRecord('{"customer":{"id":"c-7"}}', 1, ['customer', 'id']).key, 'c-7');
    assert.equal(lineToRecord('{"id":42}', 1, ['id']).key, '42');
    assert.equal(lineToRecord('{"id":42}', 1, ['id'], 3).partition, 3);
  });

  it('names the line of malformed JSON and of a missing key field', () => {
    assert.throws(
      () => lineToRecord('{"a":', 7, undefined),
      (e) => e instanceof BadLineError && /^line 7: not valid JSON/.test(e.message),
    );
    assert.throws(
      () => lineToRecord('{"a":1}', 9, ['customer', 'id']),
      /line 9: has no key field 'customer.id'/,
    );
    assert.throws(() => lineToRecord('"text"', 2, ['id']), /line 2: has no key field 'id'/);
  });
});
