import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { harness, keys } from './group-test-harness.ts';

const code = (expected: string) => (err: unknown) => isSwitchyardError(err) && err.code === expected;
const at = (stream: string, partition: number, offset: number) => ({ stream, partition, offset });
const offsetsOf = (list: { stream: string; partition: number; offset: number }[]) =>
  list.map((o) => `${o.stream}/${o.partition}@${o.offset}`);

describe('GroupCoordinator: fenced commits', () => {
  it('accepts a commit from the member holding the partitions at the current generation', async () => {
    const { coordinator, timer } = harness();
    const a = await coordinator.join('g', { memberId: 'a', streams: ['orders'] });
    await coordinator.commit('g', {
      memberId: 'a',
      generation: a.generation,
      offsets: [{ stream: 'orders', partition: 2, offset: 17, metadata: 'batch-9' }],
    });
    assert.deepEqual(await coordinator.committed('g'), [
      { stream: 'orders', partition: 2, offset: 17, metadata: 'batch-9', committedAt: timer.now() },
    ]);
  });

  it('fences unknown members, stale generations and partitions the member does not hold', async () => {
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    await assert.rejects(
      coordinator.commit('g', { memberId: 'zz', generation: 2, offsets: [at('orders', 0, 1)] }),
      code('SY_ERR_GROUP_MEMBER_UNKNOWN'),
    );
    // a was granted orders/0 at generation 1: a generation before that is stale
    await assert.rejects(
      coordinator.commit('g', { memberId: 'a', generation: 0, offsets: [at('orders', 0, 1)] }),
      code('SY_ERR_GROUP_GENERATION_STALE'),
    );
    await assert.rejects(
      coordinator.commit('g', { memberId: 'a', generation: 3, offsets: [at('orders', 0, 1)] }),
      code('SY_ERR_GROUP_GENERATION_STALE'),
    );
    // b's target includes orders/3 but a still holds it: b may not commit it yet
    await assert.rejects(
      coordinator.commit('g', { memberId: 'b', generation: 2, offsets: [at('orders', 3, 1)] }),
      code('SY_ERR_GROUP_NOT_ASSIGNED'),
    );
    assert.deepEqual(await coordinator.committed('g'), []);
  });

  it('accepts a commit at a generation the member has not heard of yet for partitions it still holds (KIP-848 member epochs)', async () => {
    // given a holds orders/0..5 at generation 1, and b's join moved the group to generation 2
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    const b = await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    assert.equal(b.generation, 2);
    // when a, not having heartbeated yet, commits under generation 1: one it keeps, one being revoked
    await coordinator.commit('g', {
      memberId: 'a',
      generation: 1,
      offsets: [at('orders', 0, 5), at('orders', 4, 7)],
    });
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['orders/0@5', 'orders/4@7']);
    // then once a released orders/3..5 and b was granted them (at generation 2), a's commit of them is fenced
    const a = await coordinator.heartbeat('g', 'a', 1);
    await coordinator.heartbeat('g', 'a', a.generation, a.assignment);
    const granted = await coordinator.heartbeat('g', 'b', 2);
    assert.ok(keys(granted.assignment).includes('orders/4'));
    await assert.rejects(
      coordinator.commit('g', { memberId: 'a', generation: 1, offsets: [at('orders', 4, 8)] }),
      code('SY_ERR_GROUP_NOT_ASSIGNED'),
    );
    // and b may not commit under the generation before it was granted them
    await assert.rejects(
      coordinator.commit('g', { memberId: 'b', generation: 1, offsets: [at('orders', 4, 9)] }),
      code('SY_ERR_GROUP_GENERATION_STALE'),
    );
    await coordinator.commit('g', { memberId: 'b', generation: 2, offsets: [at('orders', 4, 9)] });
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['orders/0@5', 'orders/4@9']);
  });

  it('fences a commit from an earlier tenure of a partition the member holds again', async () => {
    // given a holds everything, hands orders/3..5 to b, and gets them back when b leaves
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    const a2 = await coordinator.heartbeat('g', 'a', 1);
    await coordinator.heartbeat('g', 'a', a2.generation, a2.assignment);
    await coordinator.heartbeat('g', 'b', 2);
    await coordinator.leave('g', 'b');
    const back = await coordinator.heartbeat('g', 'a', 2, a2.assignment);
    assert.ok(keys(back.assignment).includes('orders/4'));
    // when a late commit of a's first tenure (generation 1) arrives for orders/4
    await assert.rejects(
      coordinator.commit('g', { memberId: 'a', generation: 1, offsets: [at('orders', 4, 1)] }),
      code('SY_ERR_GROUP_GENERATION_STALE'),
    );
    // then orders/0, held all along since generation 1, still takes it
    await coordinator.commit('g', { memberId: 'a', generation: 1, offsets: [at('orders', 0, 1)] });
  });

  it('lets a member commit a partition it is told to revoke, until it releases it', async () => {
    // given a holds orders/0..5 and b joined, so 3..5 are being revoked from a
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    // when a learns the new generation and commits orders/3 before dropping it
    const a = await coordinator.heartbeat('g', 'a', 1);
    await coordinator.commit('g', {
      memberId: 'a',
      generation: a.generation,
      offsets: [at('orders', 3, 99)],
    });
    // then, once released, the partition is b's to commit and no longer a's
    await coordinator.heartbeat('g', 'a', a.generation, a.assignment);
    await assert.rejects(
      coordinator.commit('g', { memberId: 'a', generation: 2, offsets: [at('orders', 3, 100)] }),
      code('SY_ERR_GROUP_NOT_ASSIGNED'),
    );
    const b = await coordinator.heartbeat('g', 'b', 2);
    assert.deepEqual(keys(b.assignment), ['orders/3', 'orders/4', 'orders/5']);
    await coordinator.commit('g', { memberId: 'b', generation: 2, offsets: [at('orders', 3, 120)] });
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['orders/3@120']);
  });

  it('applies all offsets of a commit or none', async () => {
    const { coordinator } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'], strategy: 'range' });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    await coordinator.heartbeat(
      'g',
      'a',
      2,
      [0, 1, 2].map((partition) => ({ stream: 'orders', partition })),
    );
    await coordinator.commit('g', { memberId: 'a', generation: 2, offsets: [at('orders', 0, 5)] });
    await assert.rejects(
      coordinator.commit('g', {
        memberId: 'a',
        generation: 2,
        offsets: [at('orders', 0, 6), at('orders', 1, 6), at('orders', 4, 6)],
      }),
      code('SY_ERR_GROUP_NOT_ASSIGNED'),
    );
    await assert.rejects(
      coordinator.commit('g', {
        memberId: 'a',
        generation: 2,
        offsets: [at('orders', 0, 7), at('orders', 0, 8)],
      }),
      code('SY_ERR_REQUEST_INVALID'),
    );
    await assert.rejects(
      coordinator.commit('g', {
        memberId: 'a',
        generation: 2,
        offsets: [at('orders', 1, 7), at('orders', 0, -1)],
      }),
      code('SY_ERR_REQUEST_INVALID'),
    );
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['orders/0@5']);
  });
});

describe('GroupCoordinator: standalone commits', () => {
  it('allows a commit without a member only while the group has no live members', async () => {
    const { coordinator } = harness();
    await coordinator.commit('g', { offsets: [at('orders', 0, 3), at('audit', 1, 4)] });
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['audit/1@4', 'orders/0@3']);
    await coordinator.join('g', { memberId: 'a', streams: ['orders'] });
    await assert.rejects(
      coordinator.commit('g', { offsets: [at('orders', 0, 9)] }),
      code('SY_ERR_GROUP_NOT_EMPTY'),
    );
    await coordinator.leave('g', 'a');
    await coordinator.commit('g', { offsets: [at('orders', 0, 9)] });
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['audit/1@4', 'orders/0@9']);
  });

  it('checks streams and partitions exist, and that memberId and generation come together', async () => {
    const { coordinator } = harness();
    await assert.rejects(
      coordinator.commit('g', { offsets: [at('nope', 0, 1)] }),
      code('SY_ERR_STREAM_NOT_FOUND'),
    );
    await assert.rejects(
      coordinator.commit('g', { offsets: [at('audit', 2, 1)] }),
      code('SY_ERR_PARTITION_INVALID'),
    );
    await assert.rejects(coordinator.commit('g', { offsets: [] }), code('SY_ERR_REQUEST_INVALID'));
    await assert.rejects(
      coordinator.commit('g', { memberId: 'a', offsets: [at('audit', 0, 1)] }),
      code('SY_ERR_REQUEST_INVALID'),
    );
    assert.deepEqual(await coordinator.list(), []);
  });
});

describe('GroupCoordinator: compare-and-set', () => {
  it('re-applies a commit over a concurrent writer’s change instead of losing it', async () => {
    // given a group document at some revision
    const { coordinator, kv, restart } = harness();
    await coordinator.commit('g', { offsets: [at('orders', 0, 1)] });
    // when another coordinator commits orders/1 between our read and our write
    const other = restart();
    kv.interfere = async () => {
      await other.commit('g', { offsets: [at('orders', 1, 50)] });
    };
    await coordinator.commit('g', { offsets: [at('orders', 0, 2)] });
    // then both commits are there
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['orders/0@2', 'orders/1@50']);
  });

  it('gives up with SY_ERR_STORAGE_CONFLICT after the configured attempts', async () => {
    const { coordinator, kv, restart } = harness({ config: { maxWriteAttempts: 3 } });
    await coordinator.commit('g', { offsets: [at('orders', 0, 1)] });
    const other = restart();
    let competing = 0;
    const interfere = async () => {
      await other.commit('g', { offsets: [at('orders', 1, ++competing)] });
      kv.interfere = competing < 10 ? interfere : undefined;
    };
    kv.interfere = interfere;
    const before = kv.updates;
    await assert.rejects(
      coordinator.commit('g', { offsets: [at('orders', 0, 2)] }),
      code('SY_ERR_STORAGE_CONFLICT'),
    );
    assert.equal(kv.updates - before, 3 + 3, 'three attempts of ours, each preceded by one competing write');
    assert.deepEqual(offsetsOf(await coordinator.committed('g')), ['orders/0@1', 'orders/1@3']);
  });
});

describe('GroupCoordinator: restart and takeover', () => {
  it('keeps offsets and fences members of the old process after a restart', async () => {
    // given a group at generation 2 with a commit
    const { coordinator, restart } = harness();
    await coordinator.join('g', { memberId: 'a', streams: ['orders'] });
    await coordinator.join('g', { memberId: 'b', streams: ['orders'] });
    const a = await coordinator.heartbeat('g', 'a', 2);
    await coordinator.commit('g', {
      memberId: 'a',
      generation: 2,
      offsets: [{ ...a.assignment[0]!, offset: 11 }],
    });
    await coordinator.close();
    // when a new coordinator starts over the same store
    const fresh = restart();
    // then the offsets are there, and the old members are unknown
    assert.equal((await fresh.committed('g')).length, 1);
    await assert.rejects(fresh.heartbeat('g', 'a', 2), code('SY_ERR_GROUP_MEMBER_UNKNOWN'));
    await assert.rejects(
      fresh.commit('g', { memberId: 'a', generation: 2, offsets: [{ ...a.assignment[0]!, offset: 12 }] }),
      code('SY_ERR_GROUP_MEMBER_UNKNOWN'),
    );
    // and a member rejoining under its old id gets a generation above every old one, fencing its old commits
    const again = await fresh.join('g', { memberId: 'a', streams: ['orders'] });
    assert.equal(again.generation, 3);
    await assert.rejects(
      fresh.commit('g', { memberId: 'a', generation: 2, offsets: [{ ...again.assignment[0]!, offset: 13 }] }),
      code('SY_ERR_GROUP_GENERATION_STALE'),
    );
  });

  it('fences its own members when another coordinator moved the generation on', async () => {
    const { coordinator, restart } = harness();
    const a = await coordinator.join('g', { memberId: 'a', streams: ['orders'] });
    const other = restart();
    await other.join('g', { memberId: 'b', streams: ['orders'] });
    await assert.rejects(
      coordinator.commit('g', {
        memberId: 'a',
        generation: a.generation,
        offsets: [{ ...a.assignment[0]!, offset: 1 }],
      }),
      code('SY_ERR_GROUP_GENERATION_STALE'),
    );
    await assert.rejects(coordinator.heartbeat('g', 'a', a.generation), code('SY_ERR_GROUP_MEMBER_UNKNOWN'));
    assert.deepEqual(await coordinator.committed('g'), []);
  });
});
