import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  decodeBatches,
  decodeFetchFrames,
  encodeProduceFrames,
  encodeRecordBatch,
  MEDIA,
} from '@switchyard/protocol';
import type { TestServer } from './helpers/in-process.ts';
import { startTestServer } from './helpers/in-process.ts';

const post = (s: TestServer, stream: string, body: string | Buffer, headers: Record<string, string>) =>
  s.request(`/v1/streams/${stream}/records`, { method: 'POST', headers, body });

describe('produce formats', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await s.json('POST', '/v1/streams', { name: 'bin', partitions: 2 });
    await s.json('POST', '/v1/streams', { name: 'ce' });
  });
  after(() => s.destroy());

  it('binary frames: RecordBatch v2 in, the same records out of a binary fetch', async () => {
    const batch0 = encodeRecordBatch([
      { key: Buffer.from('a'), value: Buffer.from('first') },
      { value: Buffer.from([0, 1, 2, 255]) },
    ]);
    const batch1 = encodeRecordBatch([{ value: Buffer.from('other partition') }]);
    const res = await post(
      s,
      'bin',
      encodeProduceFrames([
        { partition: 0, batches: batch0 },
        { partition: 1, batches: batch1 },
      ]),
      {
        'content-type': MEDIA.recordBatches,
      },
    );
    assert.equal(res.status, 200);
    const answer = (await res.json()) as {
      ranges: { partition: number; baseOffset: number; lastOffset: number }[];
    };
    assert.deepEqual(answer.ranges, [
      { partition: 0, baseOffset: 0, lastOffset: 1 },
      { partition: 1, baseOffset: 0, lastOffset: 0 },
    ]);
    const fetched = await s.request('/v1/fetch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: MEDIA.recordBatches },
      body: JSON.stringify({
        positions: [
          { stream: 'bin', partition: 0, offset: 0 },
          { stream: 'bin', partition: 1, offset: 0 },
        ],
      }),
    });
    const frames = decodeFetchFrames(Buffer.from(await fetched.arrayBuffer()));
    assert.equal(frames.length, 2);
    const records = decodeBatches(frames[0]!.batches);
    assert.deepEqual(
      records.map((r) => r.value),
      [Buffer.from('first'), Buffer.from([0, 1, 2, 255])],
    );
    assert.equal(frames[0]!.highWatermark, 2);
    // JSON fetch of a non-JSON value answers base64.
    const json = await s.json('GET', '/v1/streams/bin/partitions/0/records?offset=1');
    assert.equal(json.body.records[0].valueBase64, Buffer.from([0, 1, 2, 255]).toString('base64'));
  });

  it('binary frames: a corrupt batch or a bad partition rejects the whole body', async () => {
    const good = encodeRecordBatch([{ value: Buffer.from('ok') }]);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length - 1] = corrupt[corrupt.length - 1]! ^ 0xff;
    const before = (await s.json('GET', '/v1/streams/bin')).body.partitionInfo;
    for (const frames of [
      [
        { partition: 0, batches: good },
        { partition: 1, batches: corrupt },
      ],
      [
        { partition: 0, batches: good },
        { partition: 5, batches: good },
      ],
    ]) {
      const res = await post(s, 'bin', encodeProduceFrames(frames), { 'content-type': MEDIA.recordBatches });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: { code: string } };
      assert.match(body.error.code, /SY_ERR_(BATCH_CORRUPT|PARTITION_INVALID)/);
    }
    const truncated = await post(
      s,
      'bin',
      encodeProduceFrames([{ partition: 0, batches: good }]).subarray(0, 20),
      {
        'content-type': MEDIA.recordBatches,
      },
    );
    assert.equal(truncated.status, 400);
    assert.deepEqual((await s.json('GET', '/v1/streams/bin')).body.partitionInfo, before);
  });

  it('compacted streams refuse keyless records on every path, writing nothing', async () => {
    await s.json('POST', '/v1/streams', { name: 'table', cleanupPolicy: 'compact' });
    const keyed = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
    const keyless = encodeRecordBatch([
      { key: Buffer.from('k2'), value: Buffer.from('v') },
      { value: Buffer.from('no key') },
    ]);
    const bin = await post(
      s,
      'table',
      encodeProduceFrames([{ partition: 0, batches: Buffer.concat([keyed, keyless]) }]),
      {
        'content-type': MEDIA.recordBatches,
      },
    );
    assert.equal(bin.status, 400);
    assert.equal(
      ((await bin.json()) as { error: { code: string } }).error.code,
      'SY_ERR_COMPACTED_KEY_REQUIRED',
    );
    const json = await s.json('POST', '/v1/streams/table/records', {
      records: [{ key: 'a', value: 1 }, { value: 2 }],
    });
    assert.equal(json.body.error.code, 'SY_ERR_COMPACTED_KEY_REQUIRED');
    assert.equal((await s.json('GET', '/v1/streams/table')).body.partitionInfo[0].endOffset, 0);
    const ok = await post(s, 'table', encodeProduceFrames([{ partition: 0, batches: keyed }]), {
      'content-type': MEDIA.recordBatches,
    });
    assert.equal(ok.status, 200);
  });

  it('idempotent producer: a retried batch is answered with its first offsets, a gap is refused', async () => {
    const { body: id } = await s.json('POST', '/v1/producers');
    assert.ok(id.producerId > 0);
    const batch = (seq: number, v: string) =>
      encodeProduceFrames([
        {
          partition: 0,
          batches: encodeRecordBatch([{ value: Buffer.from(v) }], {
            producerId: id.producerId,
            producerEpoch: 0,
            baseSequence: seq,
          }),
        },
      ]);
    const headers = { 'content-type': MEDIA.recordBatches };
    const first = (await (await post(s, 'bin', batch(0, 'p0'), headers)).json()) as {
      ranges: { baseOffset: number; duplicate?: boolean }[];
    };
    const retry = (await (await post(s, 'bin', batch(0, 'p0'), headers)).json()) as {
      ranges: { baseOffset: number; duplicate?: boolean }[];
    };
    assert.equal(retry.ranges[0]!.baseOffset, first.ranges[0]!.baseOffset);
    assert.equal(retry.ranges[0]!.duplicate, true);
    const gap = await post(s, 'bin', batch(5, 'p5'), headers);
    assert.equal(gap.status, 409);
    assert.equal(
      ((await gap.json()) as { error: { code: string } }).error.code,
      'SY_ERR_PRODUCER_SEQUENCE_GAP',
    );
    const next = await post(s, 'bin', batch(1, 'p1'), headers);
    assert.equal(next.status, 200);
  });

  it('CloudEvents: structured, batch and binary modes are stored as structured events', async () => {
    const event = {
      specversion: '1.0',
      id: 'e-1',
      source: '/orders',
      type: 'OrderPlaced',
      partitionkey: 'o-7',
      data: { total: 12 },
    };
    let r = await post(s, 'ce', JSON.stringify(event), { 'content-type': MEDIA.cloudEvent });
    assert.equal(r.status, 200);
    r = await post(
      s,
      'ce',
      JSON.stringify([
        { ...event, id: 'e-2' },
        { ...event, id: 'e-3' },
      ]),
      { 'content-type': MEDIA.cloudEventBatch },
    );
    assert.equal(r.status, 200);
    r = await post(s, 'ce', '{"total":99}', {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'e-4',
      'ce-source': '/orders',
      'ce-type': 'OrderPlaced',
    });
    assert.equal(r.status, 200, await r.clone().text());
    const { body } = await s.json('GET', '/v1/streams/ce/partitions/0/records?offset=0');
    assert.deepEqual(
      body.records.map((x: { value: { id: string } }) => x.value.id),
      ['e-1', 'e-2', 'e-3', 'e-4'],
    );
    assert.equal(body.records[0].key, 'o-7');
    assert.deepEqual(body.records[3].value.data, { total: 99 });
    assert.equal(body.records[0].headers['content-type'], 'application/cloudevents+json');
    const invalid = await post(s, 'ce', JSON.stringify({ ...event, specversion: '0.3' }), {
      'content-type': MEDIA.cloudEvent,
    });
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as { error: { code: string } }).error.code, 'SY_ERR_EVENT_INVALID');
  });
});

describe('backpressure', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ maxInFlightBytes: 64 * 1024 });
    await s.json('POST', '/v1/streams', { name: 'load', partitions: 2 });
  });
  after(() => s.destroy());

  it('answers 503 with a retriable error when too many bytes are in flight, and keeps serving', async () => {
    const body = JSON.stringify({
      records: Array.from({ length: 200 }, (_, i) => ({ value: { i, pad: 'x'.repeat(200) } })),
    });
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        s.request('/v1/streams/load/records', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.ok(statuses.includes(200), statuses.join(','));
    assert.ok(statuses.includes(503), statuses.join(','));
    for (const r of results.filter((x) => x.status === 503)) {
      const e = (await r.json()) as { error: { code: string } };
      assert.equal(e.error.code, 'SY_ERR_SERVER_OVERLOADED');
    }
    const accepted = statuses.filter((x) => x === 200).length;
    const described = await s.json('GET', '/v1/streams/load');
    const total = described.body.partitionInfo.reduce(
      (n: number, p: { endOffset: number }) => n + p.endOffset,
      0,
    );
    assert.equal(total, accepted * 200);
    assert.equal((await s.json('GET', '/healthz')).status, 200);
  });
});

describe('event timestamps', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ maxTimestampAheadMs: 600_000 });
    await s.json('POST', '/v1/streams', { name: 'clock', partitions: 2 });
  });
  after(() => s.destroy());

  const ends = async () =>
    (await s.json('GET', '/v1/streams/clock')).body.partitionInfo.map(
      (p: { endOffset: number }) => p.endOffset,
    );

  it('refuse an event stamped further ahead of the server clock than maxTimestampAheadMs, writing nothing', async () => {
    const now = Date.now();
    const ahead = await s.json('POST', '/v1/streams/clock/records', {
      records: [
        { value: 'fine', partition: 0, timestamp: now - 86_400_000 },
        { value: 'too far', partition: 1, timestamp: now + 3_600_000 },
      ],
    });
    assert.equal(ahead.status, 400);
    assert.equal(ahead.body.error.code, 'SY_ERR_TIMESTAMP_AHEAD');
    assert.match(ahead.body.error.message, /ahead of the server clock \(at most 600000\)/);
    const frames = encodeProduceFrames([
      { partition: 0, batches: encodeRecordBatch([{ value: Buffer.from('ok') }], { timestamp: now }) },
      {
        partition: 1,
        batches: encodeRecordBatch([{ value: Buffer.from('late') }], { timestamp: now + 3_600_000 }),
      },
    ]);
    const binary = await post(s, 'clock', frames, { 'content-type': MEDIA.recordBatches });
    assert.equal(binary.status, 400);
    assert.equal(((await binary.json()) as { error: { code: string } }).error.code, 'SY_ERR_TIMESTAMP_AHEAD');
    assert.deepEqual(await ends(), [0, 0], 'no part of either request was written');
    const near = await s.json('POST', '/v1/streams/clock/records', {
      records: [{ value: 'soon', partition: 1, timestamp: Date.now() + 60_000 }],
    });
    assert.equal(near.status, 200);
    assert.deepEqual(await ends(), [0, 1]);
  });
});
