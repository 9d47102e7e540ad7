import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from './helpers/in-process.ts';
import { startTestServer } from './helpers/in-process.ts';
import { waitFor } from './helpers/wait-for.ts';

/** Fetches long polling in the server now, from its metrics. */
async function waitingPolls(s: TestServer): Promise<number> {
  const text = await (await s.request('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith('switchyard_fetch_waiting_polls '));
  return Number(line?.slice(line.lastIndexOf(' ') + 1));
}

describe('fetch long poll', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    assert.equal((await s.json('POST', '/v1/streams', { name: 'polls', partitions: 1 })).status, 201);
  });
  after(() => s.destroy());

  it('is answered as soon as a record arrives', async () => {
    const started = Date.now();
    const poll = s.json('POST', '/v1/fetch', {
      positions: [{ stream: 'polls', partition: 0, offset: 0 }],
      maxWaitMs: 30_000,
    });
    await s.json('POST', '/v1/streams/polls/records', { records: [{ value: { n: 1 } }] });
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.equal(answer.body.partitions[0].records.length, 1);
    assert.ok(Date.now() - started < 20_000, 'the poll did not wait out maxWaitMs');
  });

  it('stops waiting when its client hangs up, and still answers the polls that follow', async () => {
    assert.equal(await waitingPolls(s), 0);
    const hangUp = new AbortController();
    const poll = s
      .request('/v1/fetch', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          positions: [{ stream: 'polls', partition: 0, offset: 1 }],
          maxWaitMs: 30_000,
        }),
        signal: hangUp.signal,
      })
      .catch((err: Error) => err);
    await waitFor(async () => (await waitingPolls(s)) === 1, 10_000, 'the poll to wait');
    hangUp.abort();
    assert.ok((await poll) instanceof Error);
    // Held for its maxWaitMs, the abandoned poll would finish only after 30 s.
    await waitFor(async () => (await waitingPolls(s)) === 0, 10_000, 'the abandoned poll to end');
    const next = s.json('POST', '/v1/fetch', {
      positions: [{ stream: 'polls', partition: 0, offset: 1 }],
      maxWaitMs: 30_000,
    });
    await s.json('POST', '/v1/streams/polls/records', { records: [{ value: { n: 2 } }] });
    const answer = await next;
    assert.deepEqual(
      answer.body.partitions[0].records.map((r: { value: { n: number } }) => r.value.n),
      [2],
    );
  });
});
