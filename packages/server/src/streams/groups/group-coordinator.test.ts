import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { MemoryKvStore } from '../../storage/memory/memory-kv-store.ts';
import { GroupCoordinator } from './group-coordinator.ts';
import { harness, keys } from './group-test-harness.ts';
import { ManualTimer } from './timer.ts';

const code = (expected: string) => (err: unknown) => isSwitchyardError(err) && err.code === expected;
const noLog = () => undefined;

describe('GroupCoordinator: join', () => {
  it('gives the first member every partition of its streams at generation 1', async () => {
    const { coordinator } = harness();
    const a = await coordinator.join('g', { streams: ['orders', 'audit'], clientId: 'svc' });
    assert.equal(a.memberId, 'svc-1');
    assert.equal(a.generation, 1);
    assert.equal(a.heartbeatIntervalMs, 3000);
    assert.deepEqual(keys(a.assignment), [
      'audit/0',
      'audit/1',
      ...[0, 1, 2, 3, 4, 5].map((p) => `orders/${p}`),
    ]);
  });

  it('is idempotent for a known member id: same generation, same assignment, no rebalance', async () => {
    const { coordinator, rebalances } = harness();
    const first = await coordinator.join('g', { memberId: 'chosen-by-client', streams: ['orders'] });
    const again = await coordinator.join('g', { memberId: 'chosen-by-client', streams: ['orders'] });
    assert.deepEqual(again, first);
    assert.equal(rebalances.length, 1);
  });

  it('rebalances when a member rejoins with other streams', async () => {
    const { coordinator, rebalances } = harness();
    const a = await coordinator.join('g', { streams: ['orders'] });
    const again = await coordinator.join('g', { memberId: a.memberId, streams: ['audit'] });
    assert.equal(again.generation, 2);
    assert.deepEqual(rebalances.at(-1)?.reason, 'subscription');
    // orders/* are still held until the member reports them released, so they stay out of the answer
    assert.deepEqual(keys(again.assignment), ['audit/0', 'audit/1']);
  });

  it('makes all members use one strategy, and a joiner without one adopts the group’s', async () => {
    const { coordinator } = harness();
    await coordinator.join('g', { streams: ['orders'], strategy: 'range' });
    await assert.rejects(
      coordinator.join('g', { streams: ['orders'], strategy: 'roundrobin' }),
      code('SY_ERR_GROUP_STRATEGY_MISMATCH'),
    );
    const b = await coordinator.join('g', { streams: ['orders'] });
    assert.equal(b.generation, 2);
    const d = await coordinator.describe('g', noLog);
    assert.equal(d.strategy, 'range');
  });

  it('rejects bad requests with catalogue errors and changes nothing', async () => {
    const { coordinator } = harness();
    await coordinator.join('g', { streams: ['orders'] });
    await assert.rejects(
      coordinator.join('g', { streams: ['orders'], strategy: 'sticky' }),
      code('SY_ERR_GROUP_STRATEGY_UNKNOWN'),
    );
    await assert.rejects(coordinator.join('g', { streams: ['nope'] }), code('SY_ERR_STREAM_NOT_FOUND'));
    await assert.rejects(coordinator.join('g', { streams: [] }), code('SY_ERR_REQUEST_INVALID'));
    await assert.rejects(
      coordinator.join('g', { streams: ['orders'], sessionTimeoutMs: 10 }),
      code('SY_ERR_REQUEST_INVALID'),
    );
    await assert.rejects(coordinator.join('bad name', { streams: ['orders'] }), code('SY_ERR_NAME_INVALID'));
    const d = await coordinator.describe('g', noLog);
    assert.equal(d.generation, 1);
    assert.equal(d.members.length, 1);
  });
});

describe('GroupCoordinator: cooperative handover', () => {
  it('gives a moved partition to the new owner only after the old owner released it', async () => {
    // given a owns all six partitions under range
    const { coordinator } = harness();
    const a = await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    // when b joins, the target moves orders/3..5 to b, but a still holds them
    const b = await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    assert.equal(b.generation, 2);
    assert.deepEqual(keys(b.assignment), []);
    // a learns the new generation and that 3..5 are revoked (they are missing from its assignment)
    const a2 = await coordinator.heartbeat('g', 'a', a.generation);
    assert.equal(a2.generation, 2);
    assert.deepEqual(keys(a2.assignment), ['orders/0', 'orders/1', 'orders/2']);
    // a heartbeat without `owned` releases nothing, so b still waits
    assert.deepEqual(keys((await coordinator.heartbeat('g', 'b', 2)).assignment), []);
    assert.equal((await coordinator.describe('g', noLog)).state, 'Reconciling');
    // then a reports it holds only 0..2, and b gets 3..5 on its next heartbeat
    await coordinator.heartbeat('g', 'a', 2, a2.assignment);
    assert.deepEqual(keys((await coordinator.heartbeat('g', 'b', 2)).assignment), [
      'orders/3',
      'orders/4',
      'orders/5',
    ]);
    assert.equal((await coordinator.describe('g', noLog)).state, 'Stable');
  });

  it('never lets a member claim a partition by listing it in `owned`', async () => {
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    const b = await coordinator.heartbeat('g', 'b', 2, [{ stream: 'orders', partition: 0 }]);
    assert.deepEqual(keys(b.assignment), []);
    const d = await coordinator.describe('g', noLog);
    assert.equal(d.partitions.find((p) => p.partition === 0)?.owner, 'a');
  });
});

describe('GroupCoordinator: heartbeat, leave and expiry', () => {
  it('rejects unknown members and generations from the future', async () => {
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'] });
    await assert.rejects(coordinator.heartbeat('g', 'zz', 1), code('SY_ERR_GROUP_MEMBER_UNKNOWN'));
    await assert.rejects(coordinator.heartbeat('g', 'a', 5), code('SY_ERR_GROUP_GENERATION_STALE'));
  });

  it('frees a leaving member’s partitions at once', async () => {
    const { coordinator, rebalances } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    assert.equal(await coordinator.leave('g', 'a'), true);
    assert.equal(await coordinator.leave('g', 'a'), false);
    const b = await coordinator.heartbeat('g', 'b', 2);
    assert.equal(b.generation, 3);
    assert.equal(rebalances.at(-1)?.reason, 'leave');
    assert.equal(b.assignment.length, 6);
  });

  it('removes a member whose session runs out, from the timer alone', async () => {
    // given a and b; only b keeps heartbeating
    const { coordinator, timer, rebalances } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    for (let t = 0; t < 3; t++) {
      timer.advance(3000);
      await coordinator.heartbeat('g', 'b', 2);
    }
    assert.equal((await coordinator.describe('g', noLog)).members.length, 2);
    // when a's 10 s session passes, the scheduled sweep removes it without any call from us
    timer.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rebalances.at(-1), { group: 'g', generation: 3, reason: 'expiry' });
    // then b gets everything and a is fenced
    assert.equal((await coordinator.heartbeat('g', 'b', 2)).assignment.length, 6);
    await assert.rejects(coordinator.heartbeat('g', 'a', 2), code('SY_ERR_GROUP_MEMBER_UNKNOWN'));
  });

  it('takes back revoked partitions a member does not release within its rebalance timeout', async () => {
    const { coordinator, timer, rebalances } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    timer.advance(1000);
    // a is told at t=1 s that orders/3..5 are revoked, and keeps heartbeating without reporting
    const told = await coordinator.heartbeat('g', 'a', 2);
    assert.deepEqual(keys(told.assignment), ['orders/0', 'orders/1', 'orders/2']);
    for (let t = 0; t < 6; t++) {
      timer.advance(3000);
      await coordinator.heartbeat('g', 'a', 2);
      assert.deepEqual(keys((await coordinator.heartbeat('g', 'b', 2)).assignment), [], `t=${t}`);
    }
    // at t=21 s (20 s after it was told) the partitions are taken back; a stays a member with 0..2
    timer.advance(2000);
    await new Promise((resolve) => setImmediate(resolve));
    const b = await coordinator.heartbeat('g', 'b', 2);
    assert.deepEqual(keys(b.assignment), ['orders/3', 'orders/4', 'orders/5']);
    const a = await coordinator.heartbeat('g', 'a', 2);
    assert.deepEqual(keys(a.assignment), ['orders/0', 'orders/1', 'orders/2']);
    assert.equal(rebalances.length, 2, 'taking back revoked partitions is not a membership change');
  });
});

describe('GroupCoordinator: partitions growing', () => {
  it('rebalances onto new partitions when told the stream grew', async () => {
    const { coordinator, partitions, rebalances } = harness();
    const a = await coordinator.join('g', { memberId: 'a', streams: ['orders'] });
    partitions.set('orders', 8);
    await coordinator.onPartitionsChanged('orders');
    await coordinator.onPartitionsChanged('audit'); // no group reads audit: nothing happens
    assert.deepEqual(rebalances.at(-1), { group: 'g', generation: 2, reason: 'partitions' });
    const a2 = await coordinator.heartbeat('g', 'a', a.generation, a.assignment);
    assert.equal(a2.assignment.length, 8);
  });

  it('notices growth at the next heartbeat even without being told', async () => {
    const { coordinator, partitions } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'roundrobin' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    partitions.set('orders', 7);
    const a = await coordinator.heartbeat('g', 'a', 2);
    assert.equal(a.generation, 3);
    assert.ok(keys(a.assignment).includes('orders/6'));
  });
});

describe('GroupCoordinator: list, describe, delete', () => {
  it('describes members, owners, committed offsets and lag', async () => {
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['audit'], clientId: 'svc' });
    await coordinator.commit('g', {
      memberId: 'a',
      generation: 1,
      offsets: [{ stream: 'audit', partition: 0, offset: 40 }],
    });
    const d = await coordinator.describe('g', (_stream, partition) =>
      partition === 0 ? { start: 10, end: 100 } : { start: 5, end: 25 },
    );
    assert.equal(d.state, 'Stable');
    assert.equal(d.strategy, 'cooperative-sticky');
    assert.deepEqual(
      d.members.map((m) => [m.memberId, m.clientId, keys(m.assignment), m.revoking.length, m.pending.length]),
      [['a', 'svc', ['audit/0', 'audit/1'], 0, 0]],
    );
    assert.deepEqual(
      d.partitions.map((p) => [p.partition, p.owner, p.committedOffset, p.endOffset, p.lag]),
      [
        [0, 'a', 40, 100, 60], // end − committed
        [1, 'a', null, 25, 20], // nothing committed: end − start
      ],
    );
    assert.equal(d.totalLag, 80);
  });

  it('lists stored and live groups, describes an empty group, and deletes only empty ones', async () => {
    const { coordinator } = harness();
    await coordinator.commit('stored', { offsets: [{ stream: 'orders', partition: 1, offset: 7 }] });
    await coordinator.join('live', { memberId: 'a', streams: ['orders'] });
    assert.deepEqual(
      (await coordinator.list()).map((s) => [s.group, s.state, s.members]),
      [
        ['live', 'Stable', 1],
        ['stored', 'Empty', 0],
      ],
    );
    assert.deepEqual(
      (await coordinator.list(() => ({ start: 0, end: 9 }))).map((s) => s.totalLag),
      [6 * 9, 9 - 7],
    );
    const d = await coordinator.describe('stored', () => ({ start: 0, end: 9 }));
    assert.deepEqual([d.state, d.partitions.length, d.partitions[0]?.lag], ['Empty', 1, 2]);
    await assert.rejects(coordinator.delete('live'), code('SY_ERR_GROUP_NOT_EMPTY'));
    await coordinator.delete('stored');
    await assert.rejects(coordinator.delete('stored'), code('SY_ERR_GROUP_NOT_FOUND'));
    await assert.rejects(coordinator.describe('stored', noLog), code('SY_ERR_GROUP_NOT_FOUND'));
    assert.deepEqual(await coordinator.committed('stored'), []);
  });

  it('keeps working when an observer throws, and refuses work after close', async () => {
    const coordinator = new GroupCoordinator({
      kv: new MemoryKvStore(),
      partitionsOf: () => 3,
      timer: new ManualTimer(),
      observer: {
        onRebalance: () => {
          throw new Error('metrics down');
        },
      },
    });
    const a = await coordinator.join('g', { streams: ['orders'] });
    assert.equal(a.assignment.length, 3);
    await coordinator.close();
    await assert.rejects(coordinator.join('g', { streams: ['orders'] }), code('SY_ERR_SERVER_SHUTTING_DOWN'));
  });
});
