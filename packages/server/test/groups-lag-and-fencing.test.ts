// Consumer groups seen from outside: the lag of a group that never committed, and commits racing a
// rebalance (accepted for partitions the member still holds, fenced for the ones it gave up).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/cli.ts';
import { fakeIo } from './cli/fake-io.ts';
import type { TestServer } from './helpers/in-process.ts';
import { startTestServer } from './helpers/in-process.ts';

describe('consumer groups: lag without commits, commits across a rebalance', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.destroy());

  const produce = async (stream: string, partition: number, n: number) => {
    const records = Array.from({ length: n }, (_, i) => ({ partition, value: i }));
    const res = await s.json('POST', `/v1/streams/${stream}/records`, { records });
    assert.equal(res.status, 200);
  };

  it('describes every assigned partition with its lag before anything is committed', async () => {
    await s.json('POST', '/v1/streams', { name: 'fresh', partitions: 3 });
    await produce('fresh', 0, 4);
    await produce('fresh', 2, 7);
    const a = await s.json('POST', '/v1/groups/never/members', { memberId: 'a', streams: ['fresh'] });
    assert.equal(a.body.assignment.length, 3);
    const d = await s.json('GET', '/v1/groups/never');
    assert.deepEqual(
      d.body.partitions.map((p: { partition: number; owner: string; committedOffset: null; lag: number }) => [
        p.partition,
        p.owner,
        p.committedOffset,
        p.lag,
      ]),
      [
        [0, 'a', null, 4],
        [1, 'a', null, 0],
        [2, 'a', null, 7],
      ],
    );
    assert.equal(d.body.totalLag, 11);

    const io = fakeIo('', { SWITCHYARD_URL: s.url });
    assert.equal(await runCli(['groups', 'describe', 'never'], io), 0, io.err());
    assert.match(io.out(), /fresh\s+0\s+a\s+-\s+4\s+4\n/);
    assert.match(io.out(), /fresh\s+1\s+a\s+-\s+0\s+0\n/);
    assert.match(io.out(), /fresh\s+2\s+a\s+-\s+7\s+7\n/);
    assert.match(io.out(), /total lag 11/);
  });

  it('accepts a commit sent before the member heard of a rebalance, for partitions it still holds', async () => {
    await s.json('POST', '/v1/streams', { name: 'moving', partitions: 4 });
    const a = await s.json('POST', '/v1/groups/race/members', {
      memberId: 'a',
      streams: ['moving'],
      strategy: 'range',
    });
    assert.equal(a.body.generation, 1);
    const b = await s.json('POST', '/v1/groups/race/members', { memberId: 'b', streams: ['moving'] });
    assert.equal(b.body.generation, 2);
    const commit = (member: string, generation: number, partition: number, offset: number) =>
      s.json('POST', '/v1/groups/race/offsets', {
        memberId: member,
        generation,
        offsets: [{ stream: 'moving', partition, offset }],
      });

    // a still holds all four (2 and 3 are being revoked from it): its generation-1 commits count
    assert.equal((await commit('a', 1, 0, 10)).status, 204);
    assert.equal((await commit('a', 1, 3, 30)).status, 204);
    // a hears of generation 2 and releases 2 and 3; b gets them
    const beat = await s.json('POST', '/v1/groups/race/members/a/heartbeat', { generation: 1 });
    await s.json('POST', '/v1/groups/race/members/a/heartbeat', {
      generation: beat.body.generation,
      owned: beat.body.assignment,
    });
    const granted = await s.json('POST', '/v1/groups/race/members/b/heartbeat', { generation: 2 });
    assert.equal(granted.body.assignment.length, 2);
    // now a's commit of a partition it gave up is fenced, whatever its generation
    const fenced = await commit('a', 2, 3, 31);
    assert.equal(fenced.status, 409);
    assert.equal(fenced.body.error.code, 'SY_ERR_GROUP_NOT_ASSIGNED');
    assert.equal((await commit('b', 2, 3, 32)).status, 204);
    const offsets = await s.json('GET', '/v1/groups/race/offsets');
    assert.deepEqual(
      offsets.body.offsets.map((o: { partition: number; offset: number }) => [o.partition, o.offset]),
      [
        [0, 10],
        [3, 32],
      ],
    );
  });
});
