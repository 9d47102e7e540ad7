// An `Idempotency-Key` is remembered across a kill -9: the retry of an acknowledged produce gets
// the original offsets and writes nothing, until the window ends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeProduceFrames, encodeRecordBatch, MEDIA } from '@switchyard/protocol';
import type { SpawnedServer } from './helpers/spawn-server.ts';
import { spawnServer } from './helpers/spawn-server.ts';
import { waitFor } from './helpers/wait-for.ts';

interface Answer {
  status: number;
  body: {
    ranges: { partition: number; baseOffset: number; lastOffset: number }[];
    offsets?: { partition: number; offset: number }[];
  };
}

async function produce(
  server: SpawnedServer,
  stream: string,
  key: string | undefined,
  body: unknown,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['idempotency-key'] = key;
  const res = await fetch(`${server.url}/v1/streams/${stream}/records`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function endOffsets(server: SpawnedServer, stream: string): Promise<number[]> {
  const res = await fetch(`${server.url}/v1/streams/${stream}/offsets?at=latest`);
  const body = (await res.json()) as { offsets: { partition: number; offset: number }[] };
  return body.offsets.map((o) => o.offset);
}

async function createStream(server: SpawnedServer, name: string, partitions: number): Promise<void> {
  const res = await fetch(`${server.url}/v1/streams`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, partitions }),
  });
  assert.equal(res.status, 201);
}

describe('Idempotency-Key across a restart', () => {
  let server: SpawnedServer;
  before(async () => {
    server = await spawnServer({ args: ['--idempotency-window-ms', '600000'] });
  });
  after(() => server.cleanup());

  it('answers a retry after kill -9 with the original offsets and writes nothing', async () => {
    await createStream(server, 'orders', 3);
    const records = Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 7}`, value: { i } }));
    await produce(server, 'orders', undefined, { records: [{ key: 'k0', value: 'before' }] });
    const first = await produce(server, 'orders', 'req-42', { records });
    assert.equal(first.status, 200);
    const other = await produce(server, 'orders', 'req-43', { records: [{ value: 'x' }] });
    assert.equal(other.status, 200);
    const ends = await endOffsets(server, 'orders');

    await server.kill9();
    server = await server.restart();

    const retry = await produce(server, 'orders', 'req-42', { records });
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, first.body);
    const retryOther = await produce(server, 'orders', 'req-43', { records: [{ value: 'x' }] });
    assert.deepEqual(retryOther.body, other.body);
    assert.deepEqual(await endOffsets(server, 'orders'), ends, 'the retries wrote nothing');

    // The same key on another stream is another request.
    await createStream(server, 'payments', 1);
    const elsewhere = await produce(server, 'payments', 'req-42', { records: [{ value: 1 }] });
    assert.deepEqual(elsewhere.body.ranges, [{ partition: 0, baseOffset: 0, lastOffset: 0 }]);
  });

  it('keeps a binary answer (ranges only) too, and a new key writes again', async () => {
    const body = encodeProduceFrames([
      { partition: 1, batches: encodeRecordBatch([{ key: null, value: Buffer.from('a') }]) },
      { partition: 2, batches: encodeRecordBatch([{ key: null, value: Buffer.from('b') }]) },
    ]);
    const send = async (key: string) => {
      const res = await fetch(`${server.url}/v1/streams/orders/records`, {
        method: 'POST',
        headers: { 'content-type': MEDIA.recordBatches, 'idempotency-key': key },
        body,
      });
      assert.equal(res.status, 200);
      return (await res.json()) as Answer['body'];
    };
    const fresh = await send('bin-1');
    await server.kill9();
    server = await server.restart();
    assert.deepEqual(await send('bin-1'), fresh);
    const next = await send('bin-2');
    assert.equal(next.ranges[0]!.baseOffset, fresh.ranges[0]!.baseOffset + 1);
  });
});

describe('Idempotency-Key window', () => {
  let server: SpawnedServer;
  before(async () => {
    server = await spawnServer({ args: ['--idempotency-window-ms', '300', '--clean-interval-ms', '100'] });
  });
  after(() => server.cleanup());

  it('forgets a key once its window has passed, also across a restart', async () => {
    await createStream(server, 'short', 1);
    const sentAt = Date.now();
    const first = await produce(server, 'short', 'req-1', { records: [{ value: 1 }] });
    assert.deepEqual((await produce(server, 'short', 'req-1', { records: [{ value: 1 }] })).body, first.body);
    await server.kill9();
    server = await server.restart();
    // Restarting usually takes longer than the window; wait for the clock in case it did not.
    await waitFor(() => Date.now() - sentAt > 350, 5_000, 'the window to pass');
    const later = await produce(server, 'short', 'req-1', { records: [{ value: 1 }] });
    assert.equal(later.body.ranges[0]!.baseOffset, first.body.ranges[0]!.baseOffset + 1, 'written again');
  });
});
