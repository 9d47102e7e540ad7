import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../testing/seeded-random.ts';
import type { Assignment, AssignorInput } from './assignor.ts';
import {
  assignmentProblems,
  imbalance,
  minimumMoves,
  movedCount,
  randomInput,
  randomPrevious,
} from './assignor-checks.ts';
import { cooperativeStickyAssignor as sticky } from './cooperative-sticky.ts';

const CASES = 300;

function withMembers(
  input: AssignorInput,
  members: AssignorInput['members'],
  previous: Assignment,
): AssignorInput {
  return { members, partitions: input.partitions, previous };
}

describe('cooperativeStickyAssignor', () => {
  it('keeps every partition in place when nothing changed', () => {
    const members = ['a', 'b'].map((memberId) => ({ memberId, streams: ['s'] }));
    const previous = new Map([
      ['a', [1, 3].map((partition) => ({ stream: 's', partition }))],
      ['b', [0, 2].map((partition) => ({ stream: 's', partition }))],
    ]);
    const result = sticky({ members, partitions: new Map([['s', 4]]), previous });
    assert.deepEqual(result, previous);
  });

  it('moves only what the new member needs when one joins', () => {
    // given a and b each own 3 of 6 partitions
    const partitions = new Map([['s', 6]]);
    const before = sticky({
      members: ['a', 'b'].map((memberId) => ({ memberId, streams: ['s'] })),
      partitions,
    });
    // when c joins
    const members = ['a', 'b', 'c'].map((memberId) => ({ memberId, streams: ['s'] }));
    const after = sticky({ members, partitions, previous: before });
    // then c gets 2, taken one from each, and nothing else moves
    assert.equal(after.get('c')!.length, 2);
    assert.equal(movedCount(before, after), 2);
  });

  it('gives a leaving member’s partitions to the others without moving theirs', () => {
    const partitions = new Map([['s', 7]]);
    const three = ['a', 'b', 'c'].map((memberId) => ({ memberId, streams: ['s'] }));
    const before = sticky({ members: three, partitions });
    const after = sticky({ members: three.slice(0, 2), partitions, previous: before });
    assert.equal(movedCount(before, after), 0);
    assert.ok(imbalance(after) <= 1);
  });

  it('drops partitions of streams a member no longer subscribes to', () => {
    const previous = new Map([['a', [{ stream: 'x', partition: 0 }]]]);
    const members = [
      { memberId: 'a', streams: ['y'] },
      { memberId: 'b', streams: ['x'] },
    ];
    const result = sticky({
      members,
      partitions: new Map([
        ['x', 1],
        ['y', 1],
      ]),
      previous,
    });
    assert.deepEqual(result.get('a'), [{ stream: 'y', partition: 0 }]);
    assert.deepEqual(result.get('b'), [{ stream: 'x', partition: 0 }]);
  });

  it('property: complete, and balanced within one for equal subscriptions, from any previous state', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rng = seededRandom(seed);
      const same = seed % 2 === 0;
      const input = randomInput(rng, same);
      const result = sticky({ ...input, previous: randomPrevious(rng, input) });
      assert.deepEqual(assignmentProblems(input, result), [], `seed ${seed}`);
      if (same) assert.ok(imbalance(result) <= 1, `seed ${seed}: imbalance ${imbalance(result)}`);
    }
  });

  it('property: moves the minimum a balanced assignment needs, from any previous state', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rng = seededRandom(seed);
      const input = randomInput(rng, true);
      const previous = randomPrevious(rng, input);
      const result = sticky({ ...input, previous });
      assert.equal(movedCount(previous, result), minimumMoves(input, previous), `seed ${seed}`);
    }
  });

  it('property: a join or a leave moves the minimum, and a second run moves nothing', () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rng = seededRandom(seed);
      const input = randomInput(rng, true);
      const before = sticky(input);
      const streams = input.members[0]!.streams;
      const joined = withMembers(input, [...input.members, { memberId: 'zz-new', streams }], before);
      const afterJoin = sticky(joined);
      assert.equal(movedCount(before, afterJoin), minimumMoves(joined, before), `join, seed ${seed}`);
      assert.ok(imbalance(afterJoin) <= 1, `join, seed ${seed}`);

      const leaver = rng.pick(input.members).memberId;
      const left = withMembers(
        input,
        input.members.filter((m) => m.memberId !== leaver),
        before,
      );
      const afterLeave = sticky(left);
      assert.equal(movedCount(before, afterLeave), 0, `leave, seed ${seed}`);
      if (left.members.length > 0) assert.ok(imbalance(afterLeave) <= 1, `leave, seed ${seed}`);

      assert.deepEqual(sticky({ ...input, previous: before }), before, `rerun, seed ${seed}`);
    }
  });
});
