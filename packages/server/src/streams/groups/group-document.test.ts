import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import {
  decodeGroupDocument,
  emptyGroupDocument,
  encodeGroupDocument,
  groupKey,
  withGeneration,
  withOffsets,
} from './group-document.ts';

describe('group document', () => {
  it('round-trips through its JSON encoding, keeping the field order stable', () => {
    const doc = withOffsets(withGeneration(emptyGroupDocument(), 7), [
      { stream: 'orders', partition: 1, offset: 42, metadata: 'm', committedAt: 1000 },
      { stream: 'audit', partition: 0, offset: 3, committedAt: 1001 },
    ]);
    const bytes = encodeGroupDocument(doc);
    assert.equal(
      bytes.toString(),
      '{"version":1,"generation":7,"offsets":[' +
        '{"stream":"audit","partition":0,"offset":3,"committedAt":1001},' +
        '{"stream":"orders","partition":1,"offset":42,"metadata":"m","committedAt":1000}]}',
    );
    assert.deepEqual(decodeGroupDocument(bytes, 'groups/g'), doc);
  });

  it('replaces the offset of a partition committed again and keeps the others', () => {
    const first = withOffsets(emptyGroupDocument(), [
      { stream: 's', partition: 0, offset: 1, committedAt: 1 },
      { stream: 's', partition: 1, offset: 5, committedAt: 1 },
    ]);
    const second = withOffsets(first, [{ stream: 's', partition: 0, offset: 9, committedAt: 2 }]);
    assert.deepEqual(
      second.offsets.map((o) => [o.partition, o.offset]),
      [
        [0, 9],
        [1, 5],
      ],
    );
    assert.equal(first.offsets[0]!.offset, 1, 'the input document is not changed');
  });

  it('rejects malformed bytes as corrupt storage, naming the key', () => {
    const bad = [
      'not json',
      '[]',
      '{"version":2,"generation":0,"offsets":[]}',
      '{"version":1,"generation":-1,"offsets":[]}',
      '{"version":1,"generation":0,"offsets":[{"stream":"s","partition":0,"offset":1.5,"committedAt":0}]}',
      '{"version":1,"generation":0,"offsets":[{"stream":"s","partition":0,"offset":1,"committedAt":0,"metadata":3}]}',
    ];
    for (const text of bad) {
      assert.throws(
        () => decodeGroupDocument(Buffer.from(text), groupKey('g')),
        (err) => isSwitchyardError(err, 'SY_ERR_STORAGE_CORRUPT') && err.message.includes('groups/g'),
        text,
      );
    }
  });
});
