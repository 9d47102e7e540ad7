import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedKvStore } from '../src/storage/embedded/kv/embedded-kv-store.ts';
import type { TestServer } from './helpers/in-process.ts';
import { startTestServer } from './helpers/in-process.ts';

const produce = (s: TestServer, stream: string, n: number) =>
  s.json('POST', `/v1/streams/${stream}/records`, {
    records: Array.from({ length: n }, (_, i) => ({ value: i })),
  });

describe('consumer groups when a stream is deleted', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.destroy());

  it('forget their offsets there, so a stream created again under the name is not read from stale positions', async () => {
    await s.json('POST', '/v1/streams', { name: 'reborn' });
    await s.json('POST', '/v1/streams', { name: 'kept' });
    await produce(s, 'reborn', 5);
    await produce(s, 'kept', 5);
    const commit = await s.json('POST', '/v1/groups/readers/offsets', {
      offsets: [
        { stream: 'reborn', partition: 0, offset: 5 },
        { stream: 'kept', partition: 0, offset: 4 },
      ],
    });
    assert.equal(commit.status, 204, JSON.stringify(commit.body));
    assert.equal((await s.json('DELETE', '/v1/streams/reborn')).status, 204);
    await s.json('POST', '/v1/streams', { name: 'reborn' });
    await produce(s, 'reborn', 10);
    const offsets = await s.json('GET', '/v1/groups/readers/offsets');
    assert.deepEqual(
      offsets.body.offsets.map((o: { stream: string; offset: number }) => [o.stream, o.offset]),
      [['kept', 4]],
      'the offset in the deleted stream is gone; the other stays',
    );
  });

  it('refuse a member commit in a stream deleted under it, and move the member off it', async () => {
    await s.json('POST', '/v1/streams', { name: 'doomed' });
    const joined = await s.json('POST', '/v1/groups/live/members', { memberId: 'm', streams: ['doomed'] });
    assert.deepEqual(joined.body.assignment, [{ stream: 'doomed', partition: 0 }]);
    assert.equal((await s.json('DELETE', '/v1/streams/doomed')).status, 204);
    const late = await s.json('POST', '/v1/groups/live/offsets', {
      memberId: 'm',
      generation: joined.body.generation,
      offsets: [{ stream: 'doomed', partition: 0, offset: 0 }],
    });
    assert.equal(late.status, 404);
    assert.equal(late.body.error.code, 'SY_ERR_STREAM_NOT_FOUND');
    const beat = await s.json('POST', '/v1/groups/live/members/m/heartbeat', {
      generation: joined.body.generation,
      owned: joined.body.assignment,
    });
    assert.equal(beat.status, 200, JSON.stringify(beat.body));
    assert.deepEqual(beat.body.assignment, []);
    assert.deepEqual((await s.json('GET', '/v1/groups/live/offsets')).body.offsets, []);
  });
});

describe('consumer group offsets of streams deleted before a crash', () => {
  it('are forgotten when the server starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-ghost-'));
    const kv = await EmbeddedKvStore.open({ dir: join(dataDir, 'meta') });
    const doc = {
      version: 1,
      generation: 3,
      offsets: [{ stream: 'ghost', partition: 0, offset: 7, committedAt: 1 }],
    };
    await kv.create('groups/old', Buffer.from(JSON.stringify(doc)));
    await kv.close();
    const s = await startTestServer({}, dataDir);
    try {
      await s.json('POST', '/v1/streams', { name: 'ghost' });
      assert.deepEqual((await s.json('GET', '/v1/groups/old/offsets')).body.offsets, []);
    } finally {
      await s.destroy();
    }
  });
});
