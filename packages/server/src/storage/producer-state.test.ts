import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type BatchHeader, isSwitchyardError } from '@switchyard/protocol';
import { ProducerStateTable } from './producer-state.ts';

function header(producerEpoch: number, baseSequence: number, count = 1, producerId = 9): BatchHeader {
  return {
    ...{
      position: 0,
      size: 100,
      baseOffset: 0,
      lastOffsetDelta: count - 1,
      baseTimestamp: 0,
      maxTimestamp: 0,
    },
    ...{ producerId, producerEpoch, baseSequence, recordCount: count, attributes: 0, crc: 0 },
  };
}

const code = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (err) {
    return isSwitchyardError(err) ? err.code : String(err);
  }
};

it('accepts in-order batches, finds duplicates, rejects gaps and fenced epochs', () => {
  const t = new ProducerStateTable();
  assert.equal(t.check(header(0, 0), 0), null, 'an unknown producer starts at 0');
  assert.equal(
    code(() => t.check(header(0, 17), 0)),
    'SY_ERR_PRODUCER_UNKNOWN',
    'not anywhere else',
  );
  t.record(header(0, 17, 3), 100, 1);
  assert.deepEqual(t.check(header(0, 17, 3), 0), {
    firstSeq: 17,
    lastSeq: 19,
    firstOffset: 100,
    lastOffset: 102,
  });
  assert.equal(t.check(header(0, 20), 0), null);
  assert.equal(
    code(() => t.check(header(0, 21), 0)),
    'SY_ERR_PRODUCER_SEQUENCE_GAP',
  );
  assert.equal(
    code(() => t.check(header(0, 17, 2), 0)),
    'SY_ERR_PRODUCER_SEQUENCE_GAP',
    'same start, other length',
  );
  assert.equal(
    code(() => t.check(header(1, 5), 0)),
    'SY_ERR_PRODUCER_SEQUENCE_GAP',
    'a new epoch starts at 0',
  );
  assert.equal(t.check(header(1, 0), 0), null);
  t.record(header(1, 0), 103, 2);
  assert.equal(
    code(() => t.check(header(0, 20), 0)),
    'SY_ERR_PRODUCER_FENCED',
  );
});

it('wraps sequences at INT32_MAX', () => {
  const t = new ProducerStateTable();
  t.record(header(0, 2147483646, 2), 0, 1);
  assert.equal(t.check(header(0, 0), 0), null);
  t.record(header(0, 2147483647, 3), 10, 1);
  assert.equal(t.check(header(0, 2), 0), null);
});

it('rolls back and releases journaled changes', () => {
  const t = new ProducerStateTable();
  t.record(header(0, 0), 0, 1);
  const mark = t.mark();
  t.record(header(0, 1), 1, 1);
  t.record(header(0, 0, 1, 77), 2, 1);
  t.rollback(mark);
  assert.equal(t.size, 1);
  assert.equal(t.check(header(0, 1), 0), null, 'sequence 1 is new again');
  t.record(header(0, 1), 1, 1);
  t.release(t.mark());
  t.rollback(0);
  assert.notEqual(t.check(header(0, 1), 0), null, 'released changes stay');
});

it('expires idle producers and survives a snapshot round trip', () => {
  const t = new ProducerStateTable();
  t.record(header(0, 0, 1, 1), 0, 1000);
  t.record(header(0, 0, 1, 2), 1, 5000);
  for (let i = 1; i < 8; i++) t.record(header(0, i, 1, 2), 1 + i, 5000);
  const copy = new ProducerStateTable();
  assert.equal(copy.load(t.encode(42)), 42);
  assert.equal(copy.size, 2);
  assert.equal(
    code(() => copy.check(header(0, 2, 1, 2), 0)),
    'SY_ERR_PRODUCER_SEQUENCE_GAP',
    'only 5 batches kept',
  );
  assert.notEqual(copy.check(header(0, 7, 1, 2), 0), null);
  copy.expire(7000, 3000);
  assert.equal(copy.size, 1);
  copy.truncateFrom(5);
  assert.equal(copy.check(header(0, 4, 1, 2), 0), null, 'batches at or after 5 are forgotten');
  assert.throws(() => copy.load(Buffer.from('{"version":2}')));
});
