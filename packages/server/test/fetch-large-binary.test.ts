import assert from 'node:assert/strict';
import http from 'node:http';
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

  // Answers read from segment files use pooled buffers that go back to the log when the response
  // closes; a buffer reused too early would show up here as wrong bytes in another answer.
  it('serves concurrent answers from files exactly while other clients abandon theirs', async () => {
    const files = await startTestServer({ tailCacheBytes: 0, segmentBytes: 64 << 20 });
    try {
      await files.json('POST', '/v1/streams', { name: 'pool', partitions: 2 });
      const value = (p: number, i: number) => Buffer.from(`${p}:${i}:${'y'.repeat(200)}`);
      for (const p of [0, 1]) {
        for (let b = 0; b < 64; b++) {
          const records = Array.from({ length: 1000 }, (_, i) => ({ value: value(p, b * 1000 + i) }));
          const res = await fetch(`${files.url}/v1/streams/pool/records`, {
            method: 'POST',
            headers: { 'content-type': MEDIA.recordBatches },
            body: encodeProduceFrames([{ partition: p, batches: encodeRecordBatch(records) }]),
          });
          assert.equal(res.status, 200);
        }
      }
      const body = (partition: number, offset: number) =>
        JSON.stringify({ positions: [{ stream: 'pool', partition, offset }], maxBytes: 12 << 20 });
      const headers = { 'content-type': 'application/json', accept: MEDIA.recordBatches };
      // A client that reads the head of an answer and hangs up.
      const abandon = (partition: number, offset: number) =>
        new Promise<void>((resolve) => {
          const req = http.request(`${files.url}/v1/fetch`, { method: 'POST', headers }, (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', () => resolve());
          req.end(body(partition, offset));
        });
      // A client that stops reading for a while after the first chunk, so most of the answer
      // waits in the server's socket buffers while other answers are read into pooled buffers.
      const slowly = (partition: number, offset: number) =>
        new Promise<Buffer>((resolve, reject) => {
          const req = http.request(`${files.url}/v1/fetch`, { method: 'POST', headers }, (res) => {
            const chunks: Buffer[] = [];
            res.once('data', () => {
              res.pause();
              setTimeout(() => res.resume(), 100);
            });
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(body(partition, offset));
        });
      const complete = async (partition: number, offset: number, slow: boolean) => {
        let answer: Buffer;
        if (slow) answer = await slowly(partition, offset);
        else {
          const res = await files.request('/v1/fetch', {
            method: 'POST',
            headers,
            body: body(partition, offset),
          });
          assert.equal(res.status, 200);
          answer = Buffer.from(await res.arrayBuffer());
        }
        const [frame] = decodeFetchFrames(answer);
        const records = decodeBatches(frame!.batches).filter((r) => r.offset >= offset);
        assert.ok(records.length > 1000, `a full answer from ${partition}/${offset}`);
        for (const [k, r] of records.entries()) assert.deepEqual(r.value, value(partition, offset + k));
      };
      for (let round = 0; round < 3; round++) {
        const work: Promise<void>[] = [];
        for (let k = 0; k < 9; k++) {
          const partition = k % 2;
          const offset = ((round * 9 + k) * 6007) % 20_000;
          work.push(k % 3 === 0 ? abandon(partition, offset) : complete(partition, offset, k % 3 === 1));
        }
        await Promise.all(work);
      }
    } finally {
      await files.destroy();
    }
  });
});
