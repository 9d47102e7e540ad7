import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupMembership } from './group-membership.ts';

const keys = (list: { stream: string; partition: number }[]) =>
  list.map((tp) => `${tp.stream}/${tp.partition}`);

function twoMembers(): GroupMembership {
  const m = new GroupMembership(1);
  m.strategy = 'range';
  const base = {
    clientId: '',
    streams: ['s'],
    sessionTimeoutMs: 100,
    rebalanceTimeoutMs: 50,
    lastHeartbeatAt: 0,
  };
  m.add({ ...base, memberId: 'a' });
  m.retarget(new Map([['s', 4]]));
  m.reconcile('a', 0);
  m.add({ ...base, memberId: 'b' });
  m.retarget(new Map([['s', 4]]));
  return m;
}

describe('GroupMembership', () => {
  it('holds a moved partition back from its new owner until the old one releases it', () => {
    const m = twoMembers();
    assert.deepEqual(keys(m.reconcile('b', 0)), []);
    assert.equal(m.state(), 'Reconciling');
    assert.deepEqual(keys(m.reconcile('a', 0)), ['s/0', 's/1']);
    m.release('a', new Set(['s/0', 's/1']));
    assert.deepEqual(keys(m.reconcile('b', 0)), ['s/2', 's/3']);
    assert.equal(m.state(), 'Stable');
  });

  it('takes back revoked partitions once the rebalance timeout passed since the member was told', () => {
    const m = twoMembers();
    m.reconcile('a', 10); // a is told at t=10 that s/2 and s/3 are revoked
    assert.deepEqual(m.revokeOverdue(59), []);
    assert.equal(m.deadlineOf(m.get('a')!), 60);
    assert.deepEqual(m.revokeOverdue(60), ['a']);
    assert.deepEqual(keys(m.reconcile('b', 60)), ['s/2', 's/3']);
    assert.deepEqual(keys(m.reconcile('a', 60)), ['s/0', 's/1']);
  });

  it('reports members whose session ran out, and frees what they held when removed', () => {
    const m = twoMembers();
    m.get('b')!.lastHeartbeatAt = 90;
    assert.deepEqual(m.expired(99), []);
    assert.deepEqual(m.expired(100), ['a']);
    m.remove('a');
    m.retarget(new Map([['s', 4]]));
    assert.deepEqual(keys(m.reconcile('b', 100)), ['s/0', 's/1', 's/2', 's/3']);
    m.remove('b');
    assert.equal(m.state(), 'Empty');
    assert.equal(m.strategy, undefined, 'an empty group forgets its strategy');
  });
});
