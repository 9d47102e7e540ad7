import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../testing/seeded-random.ts';
import { assignmentProblems, randomInput } from './assignor-checks.ts';
import { rangeAssignor } from './range.ts';

describe('rangeAssignor', () => {
  it('gives each member a contiguous range per stream, the first members one extra', () => {
    // given 7 partitions of "orders" and 3 members (unsorted)
    const members = [
      { memberId: 'c', streams: ['orders'] },
      { memberId: 'a', streams: ['orders'] },
      { memberId: 'b', streams: ['orders'] },
    ];
    // when
    const result = rangeAssignor({ members, partitions: new Map([['orders', 7]]) });
    // then
    assert.deepEqual(
      [...result].map(([id, list]) => [id, list.map((tp) => tp.partition)]),
      [
        ['a', [0, 1, 2]],
        ['b', [3, 4]],
        ['c', [5, 6]],
      ],
    );
  });

  it('ranges each stream separately over its own subscribers', () => {
    const result = rangeAssignor({
      members: [
        { memberId: 'a', streams: ['x', 'y'] },
        { memberId: 'b', streams: ['y'] },
      ],
      partitions: new Map([
        ['x', 2],
        ['y', 3],
      ]),
    });
    assert.deepEqual(result.get('a'), [
      { stream: 'x', partition: 0 },
      { stream: 'x', partition: 1 },
      { stream: 'y', partition: 0 },
      { stream: 'y', partition: 1 },
    ]);
    assert.deepEqual(result.get('b'), [{ stream: 'y', partition: 2 }]);
  });

  it('leaves members without partitions when there are more members than partitions', () => {
    const members = ['a', 'b', 'c'].map((memberId) => ({ memberId, streams: ['s'] }));
    const result = rangeAssignor({ members, partitions: new Map([['s', 1]]) });
    assert.deepEqual(
      [...result.values()].map((l) => l.length),
      [1, 0, 0],
    );
  });

  it('property: every partition exactly once, per-stream shares within one (300 seeded cases)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const input = randomInput(seededRandom(seed), seed % 2 === 0);
      const result = rangeAssignor(input);
      assert.deepEqual(assignmentProblems(input, result), [], `seed ${seed}`);
      for (const stream of input.partitions.keys()) {
        const shares = input.members
          .filter((m) => m.streams.includes(stream))
          .map((m) => result.get(m.memberId)!.filter((tp) => tp.stream === stream).length);
        if (shares.length > 0) assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `seed ${seed}`);
      }
    }
  });
});
