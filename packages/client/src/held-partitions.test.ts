import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeldPartitions } from './held-partitions.ts';

const tp = (stream: string, partition: number) => ({ stream, partition });

describe('HeldPartitions', () => {
  it('holds new partitions with an unknown start and does not fetch them yet', () => {
    const h = new HeldPartitions();
    assert.equal(h.follow([tp('s', 0), tp('s', 1)]), true);
    assert.equal(h.active().length, 0);
    h.get('s', 0)!.fetchOffset = 5;
    assert.deepEqual(
      h.active().map((x) => x.partition),
      [0],
    );
    assert.equal(h.follow([tp('s', 0), tp('s', 1)]), false, 'the same assignment changes nothing');
  });

  it('revokes what leaves the assignment but still reports it owned until released', () => {
    const h = new HeldPartitions();
    h.follow([tp('s', 0), tp('s', 1)]);
    for (const x of h.all()) x.fetchOffset = 0;
    assert.equal(h.follow([tp('s', 1)]), true);
    assert.equal(h.get('s', 0)!.revoked, true);
    assert.deepEqual(h.owned(), [tp('s', 0), tp('s', 1)], 'not released before its commit');
    assert.deepEqual(
      h.active().map((x) => x.partition),
      [1],
    );
    h.release(h.all().filter((x) => x.revoked));
    assert.deepEqual(h.owned(), [tp('s', 1)]);
  });

  it('loses everything when the membership ends, reporting nothing owned', () => {
    const h = new HeldPartitions();
    h.follow([tp('s', 0)]);
    h.loseAll();
    assert.equal(h.get('s', 0)!.lost, true);
    assert.deepEqual(h.owned(), []);
  });

  it('starts from the committed offset, else from the position asked for', async () => {
    const h = new HeldPartitions();
    h.follow([tp('s', 0), tp('s', 1)]);
    const asked: unknown[] = [];
    const admin = {
      groupOffsets: async () => [{ stream: 's', partition: 1, offset: 42 }],
      offsets: async (stream: string, at: unknown) => {
        asked.push([stream, at]);
        return [
          { partition: 0, offset: 7 },
          { partition: 1, offset: 9 },
        ];
      },
    };
    await h.resolveStart(admin as never, 'g', 'latest');
    assert.equal(h.get('s', 0)!.fetchOffset, 7);
    assert.equal(h.get('s', 1)!.fetchOffset, 42);
    assert.equal(h.get('s', 1)!.committed, 42);
    assert.deepEqual(asked, [['s', 'latest']]);
  });
});
