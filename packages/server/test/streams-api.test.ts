import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { partitionForKey } from '@switchyard/protocol';
import { EmbeddedKvStore } from '../src/storage/embedded/kv/embedded-kv-store.ts';
import type { TestServer } from './helpers/in-process.ts';
import { startTestServer } from './helpers/in-process.ts';
import { waitFor } from './helpers/wait-for.ts';

describe('streams API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.destroy());

  it('creates, lists, describes, updates and deletes a stream', async () => {
    const created = await s.json('POST', '/v1/streams', {
      name: 'orders',
      partitions: 3,
      retentionMs: 60_000,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.partitions, 3);
    assert.equal(created.body.cleanupPolicy, 'delete');
    const list = await s.json('GET', '/v1/streams');
    assert.deepEqual(
      list.body.streams.map((x: { name: string }) => x.name),
      ['orders'],
    );
    const described = await s.json('GET', '/v1/streams/orders');
    assert.equal(described.body.partitionInfo.length, 3);
    assert.deepEqual(described.body.partitionInfo[0], {
      partition: 0,
      startOffset: 0,
      endOffset: 0,
      sizeBytes: 0,
    });
    const grown = await s.json('PATCH', '/v1/streams/orders', { partitions: 5 });
    assert.equal(grown.status, 200);
    assert.equal(grown.body.partitionInfo.length, 5);
    const shrink = await s.json('PATCH', '/v1/streams/orders', { partitions: 2 });
    assert.equal(shrink.status, 400);
    assert.equal(shrink.body.error.code, 'SY_ERR_PARTITIONS_SHRINK');
    assert.equal((await s.json('DELETE', '/v1/streams/orders')).status, 204);
    const gone = await s.json('GET', '/v1/streams/orders');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'SY_ERR_STREAM_NOT_FOUND');
  });

  it('rolls segments by age as well as size: segmentMs defaults to 7 days, can be set or turned off', async () => {
    const week = 7 * 24 * 3_600_000;
    assert.equal((await s.json('POST', '/v1/streams', { name: 'aged' })).body.segmentMs, week);
    const hourly = await s.json('POST', '/v1/streams', { name: 'hourly', segmentMs: 3_600_000 });
    assert.equal(hourly.status, 201);
    assert.equal((await s.json('GET', '/v1/streams/hourly')).body.segmentMs, 3_600_000);
    const off = await s.json('PATCH', '/v1/streams/hourly', { segmentMs: null });
    assert.equal(off.body.segmentMs, null);
    for (const bad of [0, -5, 1.5, 'soon']) {
      const r = await s.json('PATCH', '/v1/streams/hourly', { segmentMs: bad });
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.error.code, 'SY_ERR_STREAM_CONFIG_INVALID');
      assert.match(r.body.error.message, /segmentMs/);
    }
    assert.equal(
      (await s.json('GET', '/v1/streams/hourly')).body.segmentMs,
      null,
      'a rejected update changes nothing',
    );
    for (const name of ['aged', 'hourly']) await s.json('DELETE', `/v1/streams/${name}`);
  });

  it('rejects bad definitions with clear 4xx errors and changes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ name: 'bad name!' }, 400, 'SY_ERR_NAME_INVALID'],
      [{ name: 'x', partitions: 0 }, 400, 'SY_ERR_STREAM_CONFIG_INVALID'],
      [{ name: 'x', partitons: 2 }, 400, 'SY_ERR_STREAM_CONFIG_INVALID'],
      [{ name: 'x', cleanupPolicy: 'forever' }, 400, 'SY_ERR_STREAM_CONFIG_INVALID'],
      ['{"name": "x",', 400, 'SY_ERR_REQUEST_MALFORMED_JSON'],
    ];
    for (const [body, status, code] of cases) {
      const r = await s.json('POST', '/v1/streams', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.error.code, code, JSON.stringify(body));
      assert.ok(r.body.error.message.length > 10);
    }
    assert.equal((await s.json('GET', '/v1/streams')).body.streams.length, 0);
    await s.json('POST', '/v1/streams', { name: 'dup' });
    const dup = await s.json('POST', '/v1/streams', { name: 'dup' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'SY_ERR_STREAM_EXISTS');
    await s.json('DELETE', '/v1/streams/dup');
  });

  it('produces JSON records, routes keys with Kafka murmur2 and reads back the exact bytes', async () => {
    await s.json('POST', '/v1/streams', { name: 'keyed', partitions: 4 });
    const records = [
      { key: 'alice', value: { n: 1, price: 300.0 } },
      { key: 'bob', value: [1, 2, 3] },
      { key: 'alice', value: 'text', headers: { trace: 't-1' } },
      { value: null, partition: 3, timestamp: 1_700_000_000_000 },
    ];
    // Send raw text so the server sees `300.0` as written: stored bytes must be kept exactly.
    const body = JSON.stringify({ records }).replace('"price":300', '"price":300.0');
    const r = await s.json('POST', '/v1/streams/keyed/records', body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const pAlice = partitionForKey(Buffer.from('alice'), 4);
    assert.deepEqual(r.body.offsets[0], { partition: pAlice, offset: 0 });
    assert.deepEqual(r.body.offsets[2], { partition: pAlice, offset: 1 });
    assert.equal(r.body.offsets[3].partition, 3);
    const fetched = await s.request(`/v1/streams/keyed/partitions/${pAlice}/records?offset=0`);
    const text = await fetched.text();
    assert.match(text, /"value":\{"n":1,"price":300\.0\}/);
    const parsed = JSON.parse(text);
    assert.deepEqual(
      parsed.records.map((x: { offset: number; key: string; value: unknown; headers: object }) => [
        x.offset,
        x.key,
        x.value,
        x.headers,
      ]),
      [
        [0, 'alice', { n: 1, price: 300 }, {}],
        [1, 'alice', 'text', { trace: 't-1' }],
      ],
    );
    assert.equal(parsed.nextOffset, 2);
    assert.equal(parsed.highWatermark, 2);
    const p3 = await s.json('GET', '/v1/streams/keyed/partitions/3/records?offset=0');
    const last = p3.body.records.at(-1);
    assert.equal(last.value, null);
    assert.equal(last.timestamp, 1_700_000_000_000);
  });

  it('rejects a bad batch whole: nothing of it is written', async () => {
    await s.json('POST', '/v1/streams', { name: 'atomic', partitions: 2 });
    const before = await s.json('GET', '/v1/streams/atomic');
    const bad = [
      ['{"records":[{"value":1},{"value":2},{"valu":3}]}', 'application/json', 400],
      ['{"records":[{"value":1},{"value":2,"partition":7}]}', 'application/json', 400],
      ['{"records":[{"value":1}', 'application/json', 400],
      ['{"records":[]}', 'application/json', 400],
      ['plain text', 'text/plain', 415],
      [`{"records":[{"value":"${'x'.repeat(1024 * 1024 + 10)}"}]}`, 'application/json', 413],
    ] as const;
    for (const [body, type, status] of bad) {
      const r = await s.request('/v1/streams/atomic/records', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      const answer = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(r.status, status, `${body.slice(0, 60)} → ${JSON.stringify(answer)}`);
      assert.match(answer.error.code, /^SY_ERR_/);
    }
    const afterwards = await s.json('GET', '/v1/streams/atomic');
    assert.deepEqual(afterwards.body.partitionInfo, before.body.partitionInfo);
    const missing = await s.json('POST', '/v1/streams/nope/records', { records: [{ value: 1 }] });
    assert.equal(missing.status, 404);
  });

  it('long-polls: a waiting fetch returns as soon as a record arrives', async () => {
    await s.json('POST', '/v1/streams', { name: 'poll' });
    const waiting = s.json('GET', '/v1/streams/poll/partitions/0/records?offset=0&maxWaitMs=20000');
    await s.json('POST', '/v1/streams/poll/records', { records: [{ value: { hello: 'world' } }] });
    const r = await waiting;
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.records[0].value, { hello: 'world' });
    const empty = await s.json('GET', '/v1/streams/poll/partitions/0/records?offset=1&maxWaitMs=0');
    assert.deepEqual(empty.body.records, []);
    const beyond = await s.json('GET', '/v1/streams/poll/partitions/0/records?offset=5');
    assert.equal(beyond.status, 416);
    assert.equal(beyond.body.error.code, 'SY_ERR_OFFSET_OUT_OF_RANGE');
    const badPartition = await s.json('GET', '/v1/streams/poll/partitions/9/records');
    assert.equal(badPartition.body.error.code, 'SY_ERR_PARTITION_INVALID');
  });

  it('answers offsets at earliest, latest and a timestamp', async () => {
    await s.json('POST', '/v1/streams', { name: 'times' });
    await s.json('POST', '/v1/streams/times/records', {
      records: [
        { value: 1, timestamp: 1000 },
        { value: 2, timestamp: 2000 },
        { value: 3, timestamp: 3000 },
      ],
    });
    const at = async (q: string) =>
      (await s.json('GET', `/v1/streams/times/offsets?at=${q}`)).body.offsets[0].offset;
    assert.equal(await at('earliest'), 0);
    assert.equal(await at('latest'), 3);
    assert.equal(await at('2000'), 1);
    assert.equal(await at('1970-01-01T00:00:02.500Z'), 2);
    assert.equal(await at('9999999999999'), 3);
    assert.equal((await s.json('GET', '/v1/streams/times/offsets?at=yesterday')).status, 400);
  });

  it('deduplicates a JSON produce retried with the same Idempotency-Key', async () => {
    await s.json('POST', '/v1/streams', { name: 'idem' });
    const send = () =>
      s.json(
        'POST',
        '/v1/streams/idem/records',
        { records: [{ value: 'once' }] },
        { 'idempotency-key': 'req-1' },
      );
    const first = await send();
    const second = await send();
    assert.deepEqual(second.body, first.body);
    const other = await s.json(
      'POST',
      '/v1/streams/idem/records',
      { records: [{ value: 'twice' }] },
      { 'idempotency-key': 'req-2' },
    );
    assert.equal(other.body.offsets[0].offset, 1);
    const described = await s.json('GET', '/v1/streams/idem');
    assert.equal(described.body.partitionInfo[0].endOffset, 2);
  });

  it('refuses an Idempotency-Key reused for another request, and forgets keys with their stream', async () => {
    await s.json('POST', '/v1/streams', { name: 'idem-reuse' });
    const send = (value: string, key = 'req-1') =>
      s.json('POST', '/v1/streams/idem-reuse/records', { records: [{ value }] }, { 'idempotency-key': key });
    assert.equal((await send('first')).status, 200);
    const reused = await send('another body');
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'SY_ERR_IDEMPOTENCY_KEY_REUSED');
    assert.match(reused.body.error.message, /req-1/);
    const cloudEvent = await s.request('/v1/streams/idem-reuse/records', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', 'idempotency-key': 'req-1' },
      body: JSON.stringify({ records: [{ value: 'first' }] }),
    });
    assert.equal(cloudEvent.status, 422, 'another content type is another request');
    assert.equal((await s.json('GET', '/v1/streams/idem-reuse')).body.partitionInfo[0].endOffset, 1);
    assert.equal((await send('first')).status, 200, 'the same request still gets its answer');

    assert.equal((await s.json('DELETE', '/v1/streams/idem-reuse')).status, 204);
    await s.json('POST', '/v1/streams', { name: 'idem-reuse' });
    const again = await send('first');
    assert.equal(again.status, 200);
    assert.equal(
      (await s.json('GET', '/v1/streams/idem-reuse')).body.partitionInfo[0].endOffset,
      1,
      'the new stream wrote the request instead of answering from the deleted one',
    );
    assert.equal((await s.json('DELETE', '/v1/streams/nothing-here')).status, 404);
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    assert.equal((await s.json('GET', '/healthz')).status, 200);
    assert.equal((await s.json('GET', '/readyz')).body.status, 'ready');
    const metrics = await (await s.request('/metrics')).text();
    assert.match(metrics, /switchyard_produce_records_total\{stream="keyed"\} 4/);
    assert.match(metrics, /switchyard_partition_end_offset\{stream="keyed",partition="3"\}/);
    assert.match(metrics, /switchyard_fsync_duration_seconds_count/);
    assert.match(metrics, /switchyard_http_request_duration_seconds_bucket/);
    const api = await s.json('GET', '/openapi.json');
    assert.equal(api.body.openapi, '3.1.0');
    assert.ok(api.body.paths['/v1/streams/{stream}/records']);
    const unknown = await s.json('GET', '/v2/nothing');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'SY_ERR_REQUEST_NOT_FOUND');
  });
});

describe('stream definitions stored by an earlier version', () => {
  it('take the server default for settings they lack (segmentMs)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-olddef-'));
    const kv = await EmbeddedKvStore.open({ dir: join(dataDir, 'meta') });
    const old = {
      name: 'legacy',
      partitions: 2,
      retentionMs: 86_400_000,
      retentionBytes: null,
      cleanupPolicy: 'delete',
      deleteRetentionMs: 86_400_000,
      segmentBytes: 1 << 20,
      createdAt: '2026-11-01T00:00:00.000Z',
    };
    await kv.create('streams/legacy', Buffer.from(JSON.stringify(old)));
    await kv.close();
    const s = await startTestServer({ segmentMs: 3_600_000 }, dataDir);
    try {
      const described = await s.json('GET', '/v1/streams/legacy');
      assert.equal(described.status, 200);
      assert.equal(described.body.partitions, 2);
      assert.equal(described.body.segmentMs, 3_600_000);
    } finally {
      await s.destroy();
    }
  });
});

describe('retention on a running server', () => {
  it('deletes expired records of a stream that takes a few events, without filling a segment', async () => {
    const s = await startTestServer({ cleanIntervalMs: 100 });
    try {
      await s.json('POST', '/v1/streams', { name: 'trickle', retentionMs: 300 });
      const sent = await s.json('POST', '/v1/streams/trickle/records', {
        records: [{ value: { n: 1 } }, { value: { n: 2 } }],
      });
      assert.equal(sent.status, 200);
      const partition = async () => (await s.json('GET', '/v1/streams/trickle')).body.partitionInfo[0];
      assert.equal((await partition()).endOffset, 2);
      await waitFor(
        async () => (await partition()).startOffset === 2,
        10_000,
        'retention to delete both records',
      );
      const after = await partition();
      assert.equal(after.endOffset, 2, 'offsets go on where they were');
      assert.equal(after.sizeBytes, 0);
      const next = await s.json('POST', '/v1/streams/trickle/records', { records: [{ value: { n: 3 } }] });
      assert.equal(next.body.offsets[0].offset, 2);
    } finally {
      await s.destroy();
    }
  });
});
