import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  decodeBatches,
  decodeFetchFrames,
  encodeProduceFrames,
  encodeRecordBatch,
  MEDIA,
} from '@switchyard/protocol';
import { startTestServer, type TestServer } from './helpers/in-process.ts';

// Binary fetch answers of 64 KiB and more are written frame by frame instead of joined into one
// Buffer; the bytes on the wire must be the same either way.
describe('binary fetch: large answers', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.destroy();
  });

  it('round-trips several partitions of a multi-hundred-KiB answer, and an empty partition', async () => {
    await s.json('POST', '/v1/streams', { name: 'big', partitions: 3 });
    const values = (p: number) =>
      Array.from({ length: 1500 }, (_, i) => Buffer.from(`${p}:${i}:${'x'.repeat(150)}`));
    for (const p of [0, 1]) {
      const batch = encodeRecordBatch(values(p).map((value) => ({ value })));
      const res = await fetch(`${s.url}/v1/streams/big/records`, {
        method: 'POST',
        headers: { 'content-type': MEDIA.recordBatches },
        body: encodeProduceFrames([{ partition: p, batches: batch }]),
      });
      assert.equal(res.status, 200);
    }
    const res = await s.request('/v1/fetch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: MEDIA.recordBatches },
      body: JSON.stringify({
        positions: [0, 1, 2].map((partition) => ({ stream: 'big', partition, offset: 0 })),
        maxBytes: 4 << 20,
      }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), MEDIA.recordBatches);
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.length > 64 * 1024);
    assert.equal(Number(res.headers.get('content-length')), body.length);
    const frames = decodeFetchFrames(body);
    assert.deepEqual(
      frames.map((f) => [f.stream, f.partition, f.highWatermark, f.nextOffset]),
      [
        ['big', 0, 1500, 1500],
        ['big', 1, 1500, 1500],
        ['big', 2, 0, 0],
      ],
    );
    for (const p of [0, 1]) {
      assert.deepEqual(
        decodeBatches(frames[p]!.batches).map((r) => r.value),
        values(p),
      );
    }
    assert.equal(frames[2]!.batches.length, 0);
    // The request is still counted by the onResponse metrics hook.
    const metrics = await (await s.request('/metrics')).text();
    assert.match(
      metrics,
      /switchyard_http_request_duration_seconds_count\{[^}]*route="\/v1\/fetch"[^}]*status="200"[^}]*\} [1-9]/,
    );
  });
});
