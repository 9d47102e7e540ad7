import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentAnswers } from './recent-answers.ts';

/** Asks for `s` the way an index does: a miss computes the answer (here its length) and remembers it. */
function ask(memo: RecentAnswers<number>, s: string): { answer: number; hit: boolean } {
  const found = memo.lookup(s);
  if (found !== undefined) return { answer: found, hit: true };
  if (memo.wants(s)) memo.remember(s, s.length);
  return { answer: s.length, hit: false };
}

describe('RecentAnswers', () => {
  it('answers repeated strings from memory, up to its capacity, then starts again', () => {
    const memo = new RecentAnswers<number>(4);
    assert.deepEqual(ask(memo, 'a'), { answer: 1, hit: false });
    assert.deepEqual(ask(memo, 'a'), { answer: 1, hit: true });
    for (let i = 0; i < 10; i++) ask(memo, 'bb');
    ask(memo, 'ccc');
    assert.equal(memo.size, 3);
    ask(memo, 'dddd'); // the fourth string fills it: it starts again (often hit, so not paused)
    assert.equal(memo.size, 0);
    assert.deepEqual(ask(memo, 'a'), { answer: 1, hit: false });
    assert.deepEqual(ask(memo, 'a'), { answer: 1, hit: true });
  });

  it('pauses for eight times its capacity in lookups when it filled with fewer hits than strings', () => {
    const memo = new RecentAnswers<number>(4);
    for (let i = 0; i < 4; i++) ask(memo, `s${i}`);
    assert.equal(memo.size, 0);
    for (let i = 0; i < 32; i++) {
      assert.equal(ask(memo, 'again').hit, false);
      assert.equal(memo.size, 0);
    }
    ask(memo, 'again');
    assert.equal(memo.size, 1);
    assert.equal(ask(memo, 'again').hit, true);
  });

  it('does not remember strings longer than 256 characters', () => {
    const memo = new RecentAnswers<number>(4);
    const long = 'x'.repeat(257);
    assert.equal(memo.wants(long), false);
    memo.remember('x'.repeat(256), 256);
    assert.equal(memo.lookup('x'.repeat(256)), 256);
    assert.equal(memo.lookup(long), undefined);
  });

  it('forgets everything on reset, and takes the new capacity', () => {
    const memo = new RecentAnswers<number>(2);
    ask(memo, 'a');
    memo.reset(3);
    assert.equal(memo.size, 0);
    assert.equal(ask(memo, 'a').hit, false);
    ask(memo, 'a');
    ask(memo, 'b');
    assert.equal(memo.size, 2);
    ask(memo, 'c');
    assert.equal(memo.size, 0);
  });
});
