import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError, SwitchyardError } from '@switchyard/protocol';
import { SwitchyardConnectionError } from './errors.ts';
import { HttpClient, queryString } from './http-client.ts';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

type Answer = TransportResponse | Error;

/** A transport that plays back canned answers and records the requests. */
function fake(answers: Answer[]): Transport & { seen: TransportRequest[] } {
  const seen: TransportRequest[] = [];
  return {
    url: 'http://fake',
    seen,
    async request(req) {
      seen.push(req);
      const a = answers.shift();
      if (a === undefined) throw new Error('no more answers');
      if (a instanceof Error) throw a;
      return a;
    },
    close() {},
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers, body: Buffer.from(JSON.stringify(body)) };
}

const fast = { retries: 3, initialMs: 1, maxMs: 2, multiplier: 2 };

describe('HttpClient', () => {
  it('sends JSON and parses the answer', async () => {
    const t = fake([json(201, { name: 's' })]);
    const c = new HttpClient({ transport: t });
    const out = await c.json<{ name: string }>({ method: 'POST', path: '/v1/streams', json: { name: 's' } });
    assert.deepEqual(out, { name: 's' });
    assert.equal(t.seen[0]?.headers['content-type'], 'application/json');
    assert.equal(t.seen[0]?.body?.toString(), '{"name":"s"}');
  });

  it("re-raises the server's error with its code, message and details", async () => {
    const body = {
      error: {
        code: 'SY_ERR_STREAM_NOT_FOUND',
        message: 'Stream x does not exist',
        details: { stream: 'x' },
      },
    };
    const c = new HttpClient({ transport: fake([json(404, body)]) });
    const err = await c.json({ method: 'GET', path: '/v1/streams/x' }).catch((e: unknown) => e);
    assert.ok(isSwitchyardError(err, 'SY_ERR_STREAM_NOT_FOUND'));
    assert.equal(err.message, 'Stream x does not exist');
    assert.deepEqual(err.details, { stream: 'x' });
    assert.equal(err.retriable, false);
  });

  it('maps answers without a known code by status', async () => {
    const c = new HttpClient({
      transport: fake([{ status: 502, headers: {}, body: Buffer.from('Bad gateway') }]),
      retry: { retries: 0 },
    });
    const err = (await c.request({ method: 'GET', path: '/x' }).catch((e: unknown) => e)) as SwitchyardError;
    assert.equal(err.code, 'SY_ERR_SERVER_OVERLOADED');
    assert.match(err.message, /HTTP 502 from GET \/x: Bad gateway/);
  });

  it('retries retriable errors and 503s, then succeeds', async () => {
    const busy = { error: { code: 'SY_ERR_SERVER_OVERLOADED', message: 'busy', details: {} } };
    const t = fake([
      json(503, busy),
      { status: 503, headers: {}, body: Buffer.alloc(0) },
      json(200, { ok: 1 }),
    ]);
    const c = new HttpClient({ transport: t, retry: fast });
    assert.deepEqual(await c.json({ method: 'GET', path: '/y' }), { ok: 1 });
    assert.equal(t.seen.length, 3);
  });

  it('gives up after the configured retries with the last error', async () => {
    const busy = json(503, { error: { code: 'SY_ERR_SERVER_OVERLOADED', message: 'busy', details: {} } });
    const t = fake([busy, busy, busy, busy, busy]);
    const c = new HttpClient({ transport: t, retry: { ...fast, retries: 2 } });
    await assert.rejects(c.request({ method: 'GET', path: '/y' }), /busy/);
    assert.equal(t.seen.length, 3);
  });

  it('does not retry errors that cannot succeed', async () => {
    const t = fake([json(400, { error: { code: 'SY_ERR_REQUEST_INVALID', message: 'no', details: {} } })]);
    const c = new HttpClient({ transport: t, retry: fast });
    await assert.rejects(c.request({ method: 'GET', path: '/y' }), SwitchyardError);
    assert.equal(t.seen.length, 1);
  });

  it('resends a POST only when the connection was refused', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const t1 = fake([reset, json(200, {})]);
    const c1 = new HttpClient({ transport: t1, retry: fast });
    await assert.rejects(c1.request({ method: 'POST', path: '/p', json: {} }), SwitchyardConnectionError);
    assert.equal(t1.seen.length, 1);
    const t2 = fake([refused, json(200, {})]);
    await new HttpClient({ transport: t2, retry: fast }).request({ method: 'POST', path: '/p', json: {} });
    assert.equal(t2.seen.length, 2);
    const t3 = fake([reset, json(200, {})]);
    await new HttpClient({ transport: t3, retry: fast }).request({
      method: 'POST',
      path: '/p',
      json: {},
      idempotent: true,
    });
    assert.equal(t3.seen.length, 2);
  });

  it('names the server in connection errors', async () => {
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const c = new HttpClient({ transport: fake([refused]), retry: { retries: 0 } });
    await assert.rejects(
      c.request({ method: 'GET', path: '/' }),
      /Cannot reach Switchyard at http:\/\/fake \(ECONNREFUSED\)/,
    );
  });
});

describe('queryString', () => {
  it('encodes defined entries only', () => {
    assert.equal(queryString(undefined), '');
    assert.equal(
      queryString({ a: 1, b: undefined, at: '2024-01-01T00:00:00Z' }),
      '?a=1&at=2024-01-01T00%3A00%3A00Z',
    );
  });
});
