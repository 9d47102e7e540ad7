import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BatchHeader,
  decodeBatches,
  decodeProduceFrames,
  type ErrorCode,
  type ProducedRange,
  partitionForKey,
  SwitchyardError,
  verifyBatches,
} from '@switchyard/protocol';
import { Admin } from './admin.ts';
import { HttpClient } from './http-client.ts';
import { Producer, type ProducerOptions } from './producer.ts';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

type Fault = ErrorCode | 'drop' | undefined;

/** An in-memory stream that checks producer sequences the way the server does. */
class FakeStream implements Transport {
  readonly url = 'http://fake';
  logs: { value: string; key: string | null }[][];
  requests: BatchHeader[][] = [];
  /** Decides the fate of each produce request before it is applied. */
  fault: (req: BatchHeader[], n: number) => Fault = () => undefined;
  #seq = new Map<number, { next: number; lastBase: number; lastOffset: number; count: number }>();

  constructor(partitions: number) {
    this.logs = Array.from({ length: partitions }, () => []);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    if (req.method === 'GET') return ok({ name: 's', partitions: this.logs.length });
    if (req.path === '/v1/producers') return ok({ producerId: 7, epoch: 0 });
    const frames = decodeProduceFrames(req.body!);
    const headers = frames.map((f) => verifyBatches(f.batches)[0]!);
    this.requests.push(headers);
    const fault = this.fault(headers, this.requests.length);
    if (fault === 'drop') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if (fault !== undefined) return error(fault);
    const ranges: ProducedRange[] = [];
    for (const [i, f] of frames.entries()) {
      const h = headers[i]!;
      const log = this.logs[f.partition]!;
      const s = this.#seq.get(f.partition) ?? { next: 0, lastBase: -1, lastOffset: 0, count: 0 };
      if (h.producerId >= 0 && h.baseSequence === s.lastBase) {
        ranges.push({
          partition: f.partition,
          baseOffset: s.lastOffset,
          lastOffset: s.lastOffset + s.count - 1,
          duplicate: true,
        });
        continue;
      }
      if (h.producerId >= 0 && h.baseSequence !== s.next) {
        return error('SY_ERR_PRODUCER_SEQUENCE_GAP', {
          partition: f.partition,
          sequence: h.baseSequence,
          expected: s.next,
        });
      }
      const base = log.length;
      for (const r of decodeBatches(f.batches))
        log.push({ value: r.value!.toString(), key: r.key?.toString() ?? null });
      this.#seq.set(f.partition, {
        next: s.next + h.recordCount,
        lastBase: h.baseSequence,
        lastOffset: base,
        count: h.recordCount,
      });
      ranges.push({ partition: f.partition, baseOffset: base, lastOffset: log.length - 1 });
    }
    return ok({ ranges });
  }

  close(): void {}
}

function ok(body: unknown): TransportResponse {
  return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(body)) };
}

function error(code: ErrorCode, details: Record<string, unknown> = {}): TransportResponse {
  const e = new SwitchyardError(code, details);
  return { status: e.status, headers: {}, body: Buffer.from(JSON.stringify(e.toBody())) };
}

function producer(fake: FakeStream, options: Partial<ProducerOptions> = {}): Producer {
  const http = new HttpClient({ transport: fake });
  return new Producer(http, new Admin(http), { stream: 's', retry: { initialMs: 1, maxMs: 2 }, ...options });
}

describe('Producer', () => {
  it('batches records sent together into one request and resolves each offset', async () => {
    const fake = new FakeStream(1);
    const p = producer(fake);
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => p.send({ value: `v${i}` })));
    assert.deepEqual(
      out,
      Array.from({ length: 10 }, (_, i) => ({ partition: 0, offset: i })),
    );
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0]![0]!.producerId, 7);
  });

  it('routes keys with murmur2 and encodes objects as JSON', async () => {
    const fake = new FakeStream(4);
    const p = producer(fake);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const out = await p.sendMany(keys.map((key) => ({ key, value: { key } })));
    for (const [i, key] of keys.entries()) {
      const partition = partitionForKey(Buffer.from(key), 4);
      assert.equal(out[i]!.partition, partition);
      assert.deepEqual(fake.logs[partition]![out[i]!.offset], { key, value: JSON.stringify({ key }) });
    }
  });

  it('keeps keyless records on one partition per batch and splits batches at batchSize', async () => {
    const fake = new FakeStream(3);
    const p = producer(fake, { batchSize: 4 });
    const out = await p.sendMany(Array.from({ length: 12 }, (_, i) => ({ value: String(i) })));
    const parts = out.map((r) => r.partition);
    for (let i = 0; i < 12; i += 4) assert.equal(new Set(parts.slice(i, i + 4)).size, 1);
    assert.equal(new Set(parts).size, 3);
  });

  it('resends after a dropped connection with the same sequence, answered from the log', async () => {
    const fake = new FakeStream(1);
    const p = producer(fake);
    await p.send({ value: 'x' });
    // The server stored the batch but the answer is lost: the resend must not duplicate it.
    const origRequest = fake.request.bind(fake);
    let dropped = false;
    fake.request = async (req) => {
      const res = await origRequest(req);
      if (req.method === 'POST' && req.path !== '/v1/producers' && !dropped) {
        dropped = true;
        throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      }
      return res;
    };
    assert.deepEqual(await p.send({ value: 'y' }), { partition: 0, offset: 1 });
    assert.deepEqual(
      fake.logs[0]!.map((r) => r.value),
      ['x', 'y'],
    );
    assert.equal(fake.requests.at(-1)![0]!.baseSequence, fake.requests.at(-2)![0]!.baseSequence);
  });

  it('retries retriable errors, keeping order with several requests in flight', async () => {
    const fake = new FakeStream(1);
    fake.fault = (_req, n) => (n === 1 ? 'SY_ERR_SERVER_OVERLOADED' : undefined);
    const p = producer(fake, { batchSize: 2, maxInFlight: 5, maxInFlightPerPartition: 5 });
    const out = await p.sendMany(Array.from({ length: 10 }, (_, i) => ({ value: String(i) })));
    assert.deepEqual(
      out.map((r) => r.offset),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      fake.logs[0]!.map((r) => r.value),
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    );
  });

  it('fails only the refused batch and closes its sequence hole', async () => {
    const fake = new FakeStream(2);
    fake.fault = (req) => (req.some((h) => h.recordCount === 3) ? 'SY_ERR_EVENT_INVALID' : undefined);
    const p = producer(fake, { lingerMs: 20 });
    const good = p.sendMany([
      { partition: 0, value: 'a' },
      { partition: 1, value: 'b' },
    ]);
    await good;
    const bad = p.sendMany([0, 1, 2].map((i) => ({ partition: 0, value: `bad${i}` })));
    const other = p.send({ partition: 1, value: 'c' });
    await assert.rejects(bad, (err) => err instanceof SwitchyardError && err.code === 'SY_ERR_EVENT_INVALID');
    assert.deepEqual(await other, { partition: 1, offset: 1 });
    assert.deepEqual(await p.send({ partition: 0, value: 'd' }), { partition: 0, offset: 1 });
  });

  it('treats an unexplained sequence gap as fatal', async () => {
    const fake = new FakeStream(1);
    fake.fault = () => 'SY_ERR_PRODUCER_SEQUENCE_GAP';
    const p = producer(fake);
    await assert.rejects(p.send({ value: 'x' }), /sequence/);
    await assert.rejects(p.send({ value: 'y' }), /sequence/);
    await assert.rejects(p.flush(), /sequence/);
  });

  it('refuses a partition the stream does not have', async () => {
    const p = producer(new FakeStream(2));
    await assert.rejects(
      p.send({ partition: 2, value: 'x' }),
      (err) => err instanceof SwitchyardError && err.code === 'SY_ERR_PARTITION_INVALID',
    );
  });

  it('flushes lingering records and refuses records after close', async () => {
    const fake = new FakeStream(1);
    const p = producer(fake, { lingerMs: 60_000 });
    await p.connect();
    const sent = p.send({ value: 'late' });
    await p.close();
    assert.deepEqual(await sent, { partition: 0, offset: 0 });
    await assert.rejects(p.send({ value: 'x' }), /closed/);
  });
});
