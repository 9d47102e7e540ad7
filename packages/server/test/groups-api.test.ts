import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from './helpers/in-process.ts';
import { startTestServer } from './helpers/in-process.ts';

describe('consumer groups API', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
    await s.json('POST', '/v1/streams', { name: 'events', partitions: 4 });
    await s.json('POST', '/v1/streams/events/records', {
      records: Array.from({ length: 20 }, (_, i) => ({ value: i, partition: i % 4 })),
    });
  });
  after(() => s.destroy());

  it('assigns partitions, fences commits by generation, reports lag', async () => {
    const a = await s.json('POST', '/v1/groups/g1/members', {
      memberId: 'a',
      streams: ['events'],
      strategy: 'range',
    });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.assignment.length, 4);
    const gen = a.body.generation;
    const commit = await s.json('POST', '/v1/groups/g1/offsets', {
      memberId: 'a',
      generation: gen,
      offsets: [{ stream: 'events', partition: 0, offset: 3 }],
    });
    assert.equal(commit.status, 204);
    const stale = await s.json('POST', '/v1/groups/g1/offsets', {
      memberId: 'a',
      generation: gen - 1,
      offsets: [{ stream: 'events', partition: 0, offset: 4 }],
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'SY_ERR_GROUP_GENERATION_STALE');
    const described = await s.json('GET', '/v1/groups/g1');
    const p0 = described.body.partitions.find((p: { partition: number }) => p.partition === 0);
    assert.equal(p0.lag, 2);
    assert.equal(described.body.totalLag, 2 + 5 + 5 + 5);
    const metrics = await (await s.request('/metrics')).text();
    assert.match(metrics, /switchyard_group_lag\{group="g1",stream="events",partition="0"\} 2/);

    // A second member joins: partitions move only after the first one releases them.
    const b = await s.json('POST', '/v1/groups/g1/members', { memberId: 'b', streams: ['events'] });
    assert.equal(b.body.assignment.length, 0);
    const hbA = await s.json('POST', '/v1/groups/g1/members/a/heartbeat', {
      generation: a.body.generation,
      owned: a.body.assignment,
    });
    assert.ok(hbA.body.assignment.length < 4);
    await s.json('POST', '/v1/groups/g1/members/a/heartbeat', {
      generation: hbA.body.generation,
      owned: hbA.body.assignment,
    });
    const hbB = await s.json('POST', '/v1/groups/g1/members/b/heartbeat', {
      generation: b.body.generation,
      owned: [],
    });
    assert.equal(hbA.body.assignment.length + hbB.body.assignment.length, 4);
    const offsets = await s.json('GET', '/v1/groups/g1/offsets');
    assert.equal(offsets.body.offsets[0].offset, 3);
    assert.equal((await s.json('DELETE', '/v1/groups/g1/members/a')).status, 204);
    assert.equal((await s.json('DELETE', '/v1/groups/g1/members/b')).status, 204);
    const list = await s.json('GET', '/v1/groups');
    assert.deepEqual(
      list.body.groups.map((g: { group: string }) => g.group),
      ['g1'],
    );
  });

  it('rejects unknown members and invalid joins', async () => {
    const unknown = await s.json('POST', '/v1/groups/g2/members/ghost/heartbeat', { generation: 0 });
    assert.equal(unknown.status, 409);
    assert.equal(unknown.body.error.code, 'SY_ERR_GROUP_MEMBER_UNKNOWN');
    const noStreams = await s.json('POST', '/v1/groups/g2/members', { streams: [] });
    assert.equal(noStreams.status, 400);
  });
});
