import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AffixIndex } from './affix-index.ts';
import { TargetStack } from './field-matcher.ts';
import { prng } from './test-support.ts';
import { foldString } from './value-tests.ts';
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

  it('answers the same as a linear scan while growing past the list size and shrinking back (seeded)', () => {
    const rand = prng(7);
    const alphabet = ['a', 'b', 'A', 'B'];
    const word = (max: number) =>
      Array.from({ length: Math.floor(rand() * max) }, () => alphabet[Math.floor(rand() * 4)]).join('');
    for (const reversed of [false, true]) {
      for (const folded of [false, true]) {
        const index = new AffixIndex<string>({ reversed, folded });
        const live = new Map<string, { key: string; kind: 'prefix' | 'exact' }>();
        const norm = (s: string) => (folded ? foldString(s) : s);
        const expected = (s: string) =>
          [...live]
            .filter(([, { key, kind }]) => {
              const k = norm(key);
              const v = norm(s);
              if (kind === 'exact') return k === v;
              return reversed ? v.endsWith(k) : v.startsWith(k);
            })
            .map(([id]) => id)
            .sort();
        let next = 0;
        for (let step = 0; step < 400; step++) {
          // Grow to about 20 keys, then shrink to none, twice.
          const growing = step % 200 < 100 ? rand() < 0.7 : rand() < 0.2;
          if (growing || live.size === 0) {
            const entry = { key: word(4), kind: rand() < 0.7 ? ('prefix' as const) : ('exact' as const) };
            const id = `t${next++}`;
            live.set(id, entry);
            index.add(entry.key, entry.kind, id);
          } else {
            const [id, entry] = [...live][Math.floor(rand() * live.size)] as [
              string,
              { key: string; kind: 'prefix' | 'exact' },
            ];
            live.delete(id);
            index.remove(entry.key, entry.kind, id);
          }
          assert.equal(index.size, live.size);
          for (let k = 0; k < 5; k++) {
            const s = word(6);
            assert.deepEqual(hits(index, s), expected(s), `${reversed} ${folded} ${s}`);
          }
        }
      }
    }
  });

  describe('remembered answers (hashed indexes)', () => {
    function hashedIndex(reversed: boolean, folded: boolean): AffixIndex<string> {
      const index = new AffixIndex<string>({ reversed, folded });
      for (let i = 0; i < 12; i++) index.add(reversed ? `.key${i}` : `key${i}.`, 'prefix', `k${i}`);
      return index;
    }

    for (const [reversed, folded] of [
      [false, false],
      [true, true],
    ] as const) {
      it(`forgets them on every change (reversed ${reversed}, folded ${folded})`, () => {
        const index = hashedIndex(reversed, folded);
        const s = reversed ? 'a-.key3' : 'key3.-a';
        const key = reversed ? '-.KEY3' : 'KEY3.-';
        const exact = folded ? key : key.toLowerCase();
        const before = hits(index, s);
        assert.equal(index.remembered, 1);
        assert.deepEqual(hits(index, s), before);
        index.add(exact, 'prefix', 'new');
        assert.equal(index.remembered, 0);
        assert.deepEqual(hits(index, s), [...before, 'new'].sort());
        index.remove(exact, 'prefix', 'new');
        assert.deepEqual(hits(index, s), before);
        index.add(exact, 'exact', 'gone');
        index.remove(exact, 'exact', 'gone');
        assert.deepEqual(hits(index, s), before);
        assert.deepEqual(before, ['k3']);
        index.remove(reversed ? '.key3' : 'key3.', 'prefix', 'k3');
        assert.deepEqual(hits(index, s), []);
      });
    }

    it('remembers up to four strings per key (at least 1,024), none longer than 256 characters', () => {
      const index = hashedIndex(false, false);
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < 100; i++)
          assert.deepEqual(hits(index, `key${i % 13}.${i}`), i % 13 < 12 ? [`k${i % 13}`] : []);
      }
      assert.equal(index.remembered, 100);
      let fewest = 0;
      for (let i = 0; i < 1100; i++) {
        hits(index, `key1.${i}`);
        fewest = Math.max(fewest, index.remembered);
      }
      assert.equal(fewest, 1023); // twelve keys: the floor of 1,024, whose last string empties it
      // An index of many keys remembers four strings per key.
      const big = new AffixIndex<string>({ reversed: false, folded: false });
      for (let i = 0; i < 400; i++) big.add(`key${i}.`, 'prefix', `k${i}`);
      let most = 0;
      for (let i = 0; i < 4000; i++) {
        assert.deepEqual(hits(big, `key${i % 400}.${i % 1700}`), [`k${i % 400}`]);
        most = Math.max(most, big.remembered);
      }
      assert.equal(most, 1599); // the 1,600th string fills it: it starts again
      const fresh = hashedIndex(false, false);
      hits(fresh, 'key1.a');
      assert.deepEqual(hits(fresh, `key1.${'x'.repeat(300)}`), ['k1']);
      assert.equal(fresh.remembered, 1);
    });

    it('does not remember answers while the keys are few (compared one by one)', () => {
      const index = new AffixIndex<string>({ reversed: false, folded: false });
      index.add('ab', 'prefix', 'ab');
      assert.deepEqual(hits(index, 'abc'), ['ab']);
      assert.equal(index.remembered, 0);
    });
  });
});
