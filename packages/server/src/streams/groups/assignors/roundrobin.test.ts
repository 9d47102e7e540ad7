import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../testing/seeded-random.ts';
import { assignmentProblems, imbalance, randomInput } from './assignor-checks.ts';
import { roundRobinAssignor } from './roundrobin.ts';

describe('roundRobinAssignor', () => {
  it('deals all partitions, sorted by stream then number, over the sorted members', () => {
    const members = [
      { memberId: 'b', streams: ['y', 'x'] },
      { memberId: 'a', streams: ['x', 'y'] },
    ];
    const result = roundRobinAssignor({
      members,
      partitions: new Map([
        ['x', 3],
        ['y', 2],
      ]),
    });
    assert.deepEqual(result.get('a'), [
      { stream: 'x', partition: 0 },
      { stream: 'x', partition: 2 },
      { stream: 'y', partition: 1 },
    ]);
    assert.deepEqual(result.get('b'), [
      { stream: 'x', partition: 1 },
      { stream: 'y', partition: 0 },
    ]);
  });

  it('skips members that do not subscribe to a stream', () => {
    const result = roundRobinAssignor({
      members: [
        { memberId: 'a', streams: ['x'] },
        { memberId: 'b', streams: ['y'] },
      ],
      partitions: new Map([
        ['x', 2],
        ['y', 1],
      ]),
    });
    assert.equal(result.get('a')!.length, 2);
    assert.deepEqual(result.get('b'), [{ stream: 'y', partition: 0 }]);
  });

  it('property: every partition exactly once; balanced within one for equal subscriptions (300 seeded cases)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const same = seed % 2 === 0;
      const input = randomInput(seededRandom(seed), same);
      const result = roundRobinAssignor(input);
      assert.deepEqual(assignmentProblems(input, result), [], `seed ${seed}`);
      if (same) assert.ok(imbalance(result) <= 1, `seed ${seed}: imbalance ${imbalance(result)}`);
    }
  });
});
