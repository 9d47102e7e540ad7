import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AffixIndex } from './affix-index.ts';
import { TargetStack } from './field-matcher.ts';
import { parseWildcard } from './wildcard.ts';

function hits(index: AffixIndex<string>, s: string): string[] {
  const out = new TargetStack<string>();
  index.collect(s, out);
  return out.items.slice(0, out.top).sort();
}

describe('AffixIndex', () => {
  it('finds every prefix key of a string, and exact keys only at full length', () => {
    const index = new AffixIndex<string>({ reversed: false, folded: false });
    index.add('', 'prefix', 'empty');
    index.add('ab', 'prefix', 'ab');
    index.add('abc', 'prefix', 'abc');
    index.add('abc', 'exact', 'abc!');
    index.add('x', 'prefix', 'x');
    assert.deepEqual(hits(index, 'abcd'), ['ab', 'abc', 'empty']);
    assert.deepEqual(hits(index, 'abc'), ['ab', 'abc', 'abc!', 'empty']);
    assert.deepEqual(hits(index, ''), ['empty']);
    index.remove('ab', 'prefix', 'ab');
    index.remove('', 'prefix', 'empty');
    assert.deepEqual(hits(index, 'abcd'), ['abc']);
    assert.equal(index.size, 3);
  });

  it('reads suffixes backwards and folds case', () => {
    const index = new AffixIndex<string>({ reversed: true, folded: true });
    index.add('.PNG', 'prefix', 'png');
    assert.deepEqual(hits(index, 'photo.png'), ['png']);
    assert.deepEqual(hits(index, 'photo.pn'), []);
  });

  it('checks a wildcard in full once its literal head matches', () => {
    const index = new AffixIndex<string>({ reversed: false, folded: false });
    index.addCheck('user', parseWildcard('user*@example.com'), 'w');
    assert.deepEqual(hits(index, 'user7@example.com'), ['w']);
    assert.deepEqual(hits(index, 'user7@example.org'), []);
    assert.deepEqual(hits(index, 'admin@example.com'), []);
  });
});
