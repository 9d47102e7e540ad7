import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { isSwitchyardError } from './errors.ts';
import type { RecordInput } from './record-batch.ts';
import {
  batchProblem,
  batchSizeAt,
  decodeBatches,
  encodeRecordBatch,
  readBatchHeader,
  setBaseOffset,
  verifyBatches,
} from './record-batch.ts';

const require = createRequire(import.meta.url);
const { RecordBatch: KafkaRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkaRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const kafkaDecode = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const KafkaDecoder = require('kafkajs/src/protocol/decoder.js');
const Long = require('kafkajs/src/utils/long.js');

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

const sample: RecordInput[] = [
  {
    key: Buffer.from('order-1'),
    value: Buffer.from('{"total":12.5}'),
    headers: [{ key: 'trace', value: Buffer.from('abc') }],
  },
  { key: null, value: Buffer.from('ü and emoji 🚂'), timestamp: 1_700_000_000_123 },
  { key: Buffer.from('order-1'), value: null },
];

describe('record batch v2', () => {
  it('round-trips records with keys, null values, headers and timestamps', () => {
    const batch = encodeRecordBatch(sample, {
      timestamp: 1_700_000_000_000,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 40,
    });
    setBaseOffset(batch, 0, 1000);
    const [h] = verifyBatches(batch);
    assert.equal(h!.baseOffset, 1000);
    assert.equal(h!.recordCount, 3);
    assert.equal(h!.lastOffsetDelta, 2);
    assert.equal(h!.producerId, 7);
    assert.equal(h!.baseSequence, 40);
    assert.equal(h!.maxTimestamp, 1_700_000_000_123);
    const records = decodeBatches(batch);
    assert.deepEqual(
      records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null]),
      [
        [1000, 1_700_000_000_000, 'order-1', '{"total":12.5}'],
        [1001, 1_700_000_000_123, null, 'ü and emoji 🚂'],
        [1002, 1_700_000_000_000, 'order-1', null],
      ],
    );
    assert.equal(records[0]!.headers[0]!.key, 'trace');
    assert.equal(Buffer.from(records[0]!.headers[0]!.value!).toString(), 'abc');
  });

  it('is read by kafkajs exactly as written (Kafka clients can consume stored bytes)', async () => {
    const batch = encodeRecordBatch(sample, { timestamp: 1_700_000_000_000 });
    setBaseOffset(batch, 0, 42);
    const decoded = await kafkaDecode(new KafkaDecoder(batch));
    assert.equal(decoded.firstOffset, '42');
    assert.deepEqual(
      decoded.records.map(
        (r: { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string }) => [
          r.offset,
          r.key?.toString() ?? null,
          r.value?.toString() ?? null,
          r.timestamp,
        ],
      ),
      [
        ['42', 'order-1', '{"total":12.5}', '1700000000000'],
        ['43', null, 'ü and emoji 🚂', '1700000000123'],
        ['44', 'order-1', null, '1700000000000'],
      ],
    );
  });

  it('reads batches kafkajs encodes', async () => {
    const records = [
      KafkaRecord({
        offsetDelta: 0,
        timestampDelta: 0,
        key: Buffer.from('k'),
        value: Buffer.from('v1'),
        headers: { h: 'x' },
      }),
      KafkaRecord({ offsetDelta: 1, timestampDelta: 5, key: null, value: Buffer.from('v2') }),
    ];
    const encoded = await KafkaRecordBatch({
      firstOffset: Long.fromInt(9),
      firstTimestamp: 1_600_000_000_000,
      maxTimestamp: 1_600_000_000_005,
      lastOffsetDelta: 1,
      records,
    });
    const batch = Buffer.from(encoded.buffer);
    const [h] = verifyBatches(batch);
    assert.equal(h!.recordCount, 2);
    const out = decodeBatches(batch);
    assert.deepEqual(
      out.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value!.toString()]),
      [
        [9, 1_600_000_000_000, 'k', 'v1'],
        [10, 1_600_000_000_005, null, 'v2'],
      ],
    );
    assert.equal(out[0]!.headers[0]!.key, 'h');
  });

  it('detects every single-byte change under the CRC and every truncation', () => {
    const batch = encodeRecordBatch(sample, { timestamp: 5 });
    for (let i = 21; i < batch.length; i++) {
      const copy = Buffer.from(batch);
      copy[i] = copy[i]! ^ 0x5a;
      assert.notEqual(batchProblem(copy, 0), null, `flip at ${i}`);
    }
    for (let len = 0; len < batch.length; len++) {
      assert.notEqual(batchProblem(batch.subarray(0, len), 0), null, `truncated to ${len}`);
      assert.equal(batchSizeAt(batch.subarray(0, len), 0), -1);
    }
    assert.equal(batchProblem(batch, 0), null);
    assert.equal(batchSizeAt(batch, 0), batch.length);
  });

  it('verifies concatenated batches and rejects the whole body naming the first problem', () => {
    const a = encodeRecordBatch(sample.slice(0, 1));
    const b = encodeRecordBatch(sample.slice(1));
    assert.equal(verifyBatches(Buffer.concat([a, b])).length, 2);
    const bad = Buffer.concat([a, b]);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    assert.throws(
      () => verifyBatches(bad),
      (err: unknown) =>
        isSwitchyardError(err, 'SY_ERR_BATCH_CORRUPT') && /CRC mismatch/.test((err as Error).message),
    );
    assert.throws(() => verifyBatches(Buffer.alloc(0)), /empty/);
  });

  it('fuzz: random and mutated inputs never crash the verifier and never verify wrongly', () => {
    const rand = rng(12345);
    const good = encodeRecordBatch(sample, { timestamp: 1 });
    for (let n = 0; n < 3000; n++) {
      let buf: Buffer;
      if (n % 3 === 0) {
        buf = Buffer.alloc(Math.floor(rand() * 200));
        for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rand() * 256);
      } else {
        buf = Buffer.from(good.subarray(0, Math.floor(rand() * (good.length + 1))));
        const flips = 1 + Math.floor(rand() * 3);
        for (let f = 0; f < flips && buf.length > 0; f++)
          buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
      }
      try {
        const headers = verifyBatches(buf);
        // Only mutations outside the CRC (offset, length-preserving leader epoch) may pass.
        for (const h of headers) assert.equal(readBatchHeader(buf, h.position).recordCount, h.recordCount);
        decodeBatches(buf);
      } catch (err) {
        assert.ok(isSwitchyardError(err, 'SY_ERR_BATCH_CORRUPT'), String(err));
      }
    }
  });
});
