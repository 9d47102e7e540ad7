/**
 * FieldMatcher on its own: every kind of index answers, and the summary of which indexes are in use follows
 * additions and removals (an index emptied by removals is skipped, one filled again is read again).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldMatcher, TargetStack } from './field-matcher.ts';
import { compilePattern } from './pattern-parser.ts';
import type { ValueTest } from './pattern-types.ts';
import type { Leaf } from './value-tests.ts';

const testsOf = (values: unknown[]): readonly ValueTest[] =>
  compilePattern({ f: values }).branches[0]?.[0]?.tests ?? [];

function collected(m: FieldMatcher<string>, leaf: Leaf): string[] {
  const out = new TargetStack<string>();
  m.collect(leaf, out);
  return out.items.slice(0, out.top).sort();
}

describe('FieldMatcher', () => {
  const cases: [string, unknown[], Leaf, Leaf][] = [
    ['exact string', ['a'], 'a', 'b'],
    ['exact number', [5], 5, 6],
    ['literal', [true], true, false],
    ['null', [null], null, 'null'],
    ['prefix', [{ prefix: 'ab' }], 'abc', 'xab'],
    ['suffix', [{ suffix: 'bc' }], 'abc', 'bcx'],
    ['ignore case', [{ 'equals-ignore-case': 'AbC' }], 'aBc', 'abcd'],
    ['range', [{ numeric: ['>', 1, '<', 3] }], 2, 3],
    ['anything-but', [{ 'anything-but': ['x'] }], 'y', 'x'],
    ['exists', [{ exists: true }], 'anything', undefined as unknown as Leaf],
  ];
  for (const [name, values, hit, miss] of cases) {
    it(`${name}: answers after adding, not after removing, again after re-adding`, () => {
      const m = new FieldMatcher<string>();
      const tests = testsOf(values);
      for (const t of tests) m.add(t, 'T');
      assert.deepEqual(collected(m, hit), ['T']);
      if (miss !== undefined) assert.deepEqual(collected(m, miss), []);
      for (const t of tests) m.remove(t, 'T');
      assert.deepEqual(collected(m, hit), []);
      for (const t of tests) m.add(t, 'U');
      assert.deepEqual(collected(m, hit), ['U']);
    });
  }

  it('keeps other indexes answering when one kind is emptied', () => {
    const m = new FieldMatcher<string>();
    const exact = testsOf(['a'])[0] as ValueTest;
    const prefix = testsOf([{ prefix: 'a' }])[0] as ValueTest;
    const more = testsOf(['b'])[0] as ValueTest;
    m.add(exact, 'E');
    m.add(more, 'B');
    m.add(prefix, 'P');
    assert.deepEqual(collected(m, 'a'), ['E', 'P']);
    m.remove(exact, 'E');
    assert.deepEqual(collected(m, 'a'), ['P']);
    assert.deepEqual(collected(m, 'b'), ['B']);
    m.remove(prefix, 'P');
    assert.deepEqual(collected(m, 'a'), []);
    assert.deepEqual(collected(m, 'b'), ['B']);
  });

  it('keeps one, two and again one target per exact value in its map', () => {
    const m = new FieldMatcher<string>();
    const [a, b, n] = [testsOf(['a'])[0], testsOf(['b'])[0], testsOf([7])[0]] as ValueTest[];
    const n2 = testsOf([8])[0] as ValueTest;
    m.add(a as ValueTest, 'A'); // the inline first value
    for (const t of ['B1', 'B2', 'B3']) m.add(b as ValueTest, t);
    m.add(n as ValueTest, 'N');
    for (const t of ['M1', 'M2']) m.add(n2, t);
    assert.deepEqual(collected(m, 'b'), ['B1', 'B2', 'B3']);
    m.remove(b as ValueTest, 'B2');
    m.remove(b as ValueTest, 'B1');
    assert.deepEqual(collected(m, 'b'), ['B3']);
    m.add(b as ValueTest, 'B4');
    assert.deepEqual(collected(m, 'b'), ['B3', 'B4']);
    assert.deepEqual(collected(m, 8), ['M1', 'M2']);
    m.remove(n2, 'M1');
    assert.deepEqual(collected(m, 8), ['M2']);
    m.remove(n2, 'M2');
    assert.deepEqual(collected(m, 8), []);
    assert.deepEqual(collected(m, 'a'), ['A']);
  });
});
