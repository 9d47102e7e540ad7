// The idempotent producer goes on when the server forgot it (idle past producerExpirationMs) or a
// newer epoch of its id fenced it: no record is lost, duplicated or reordered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Switchyard } from '@switchyard/client';
import { encodeProduceFrames, encodeRecordBatch, MEDIA } from '@switchyard/protocol';
import { type SpawnedServer, spawnServer } from '../helpers/spawn-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const EXPIRATION_MS = 300;

describe('producer re-initialisation against a real server', () => {
  let server: SpawnedServer;
  let sy: Switchyard;

  before(async () => {
    server = await spawnServer({
      args: ['--producer-expiration-ms', String(EXPIRATION_MS), '--clean-interval-ms', '100'],
    });
    sy = new Switchyard({ url: server.url, retry: { retries: 2, initialMs: 20, maxMs: 100 } });
  });

  after(async () => {
    await sy?.close();
    await server?.cleanup();
  });

  /** Sends one raw idempotent batch; answers the HTTP status and the error code, if any. */
  async function rawBatch(
    stream: string,
    partition: number,
    id: { producerId: number; epoch: number; sequence: number },
    value: unknown,
  ): Promise<{ status: number; code: string | undefined }> {
    const batches = encodeRecordBatch([{ key: null, value: Buffer.from(JSON.stringify(value)) }], {
      producerId: id.producerId,
      producerEpoch: id.epoch,
      baseSequence: id.sequence,
    });
    const res = await fetch(`${server.url}/v1/streams/${stream}/records`, {
      method: 'POST',
      headers: { 'content-type': MEDIA.recordBatches },
      body: encodeProduceFrames([{ partition, batches }]),
    });
    const body = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: body.error?.code };
  }

  /** The id the next producer will get: ids are a counter, so allocate one and add one. */
  async function nextProducerId(): Promise<number> {
    const res = await fetch(`${server.url}/v1/producers`, { method: 'POST' });
    return ((await res.json()) as { producerId: number }).producerId + 1;
  }

  async function values(stream: string, partition: number): Promise<unknown[]> {
    const read = await sy.admin.read(stream, partition, { offset: 0, maxRecords: 10_000 });
    return read.records.map((r) => r.value);
  }

  it('resets its sequences when the server forgot it, keeping every record once and in order', async () => {
    await sy.admin.createStream('idle', { partitions: 2 });
    const pid = await nextProducerId();
    const producer = sy.producer({ stream: 'idle', batchSize: 10, lingerMs: 0 });
    const sent = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ partition: (from + i) % 2, value: { i: from + i } }));
    await producer.sendMany(sent(0, 40));
    // A far-ahead sequence is a gap while the server knows the producer, and unknown once it forgot it.
    const probe = (partition: number) =>
      rawBatch('idle', partition, { producerId: pid, epoch: 0, sequence: 1000 }, 'probe');
    assert.equal(
      (await probe(0)).code,
      'SY_ERR_PRODUCER_SEQUENCE_GAP',
      'the producer id is the one expected',
    );
    await waitFor(
      async () =>
        (await probe(0)).code === 'SY_ERR_PRODUCER_UNKNOWN' &&
        (await probe(1)).code === 'SY_ERR_PRODUCER_UNKNOWN',
      10_000,
      'the server to forget the idle producer',
    );

    // Many batches per partition queued at once: the first one meets the unknown producer.
    const meta = await producer.sendMany(sent(40, 200));
    assert.equal(meta.length, 200);
    await producer.sendMany(sent(240, 10));
    await producer.close();
    for (const p of [0, 1]) {
      const expected = Array.from({ length: 125 }, (_, k) => ({ i: 2 * k + p }));
      assert.deepEqual(await values('idle', p), expected, `partition ${p}`);
    }
    for (const [k, m] of meta.entries()) assert.equal(m.offset, 20 + Math.floor(k / 2));
  });

  it('continues under a new producer id after a newer epoch of its id fenced it', async () => {
    await sy.admin.createStream('fence', { partitions: 1 });
    const pid = await nextProducerId();
    const producer = sy.producer({ stream: 'fence', lingerMs: 0 });
    await producer.sendMany([0, 1, 2].map((i) => ({ value: { i } })));
    // Another incarnation of the same id, one epoch on, writes first.
    const intruder = await rawBatch('fence', 0, { producerId: pid, epoch: 1, sequence: 0 }, 'intruder');
    assert.equal(intruder.status, 200);
    const stale = await rawBatch('fence', 0, { producerId: pid, epoch: 0, sequence: 3 }, 'stale');
    assert.equal(stale.code, 'SY_ERR_PRODUCER_FENCED', 'the old epoch is fenced');

    const meta = await producer.sendMany([3, 4, 5].map((i) => ({ value: { i } })));
    assert.deepEqual(
      meta.map((m) => m.offset),
      [4, 5, 6],
    );
    await producer.send({ value: { i: 6 } });
    await producer.close();
    assert.deepEqual(await values('fence', 0), [
      { i: 0 },
      { i: 1 },
      { i: 2 },
      'intruder',
      { i: 3 },
      { i: 4 },
      { i: 5 },
      { i: 6 },
    ]);
  });
});
