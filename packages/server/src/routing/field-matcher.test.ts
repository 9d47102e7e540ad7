/**
 * FieldMatcher on its own: every kind of index answers (exact values are the exact-value table's, and refused), and the summary of which indexes are in use follows
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
    ['prefix', [{ prefix: 'ab' }], 'abc', 'xab'],
    ['suffix', [{ suffix: 'bc' }], 'abc', 'bcx'],
    ['ignore case', [{ 'equals-ignore-case': 'AbC' }], 'aBc', 'abcd'],
    ['range', [{ numeric: ['>', 1, '<', 3] }], 2, 3],
    ['anything-but', [{ 'anything-but': ['x'] }], 'y', 'x'],
    ['exists', [{ exists: true }], 'anything', undefined as unknown as Leaf],
    ['wildcard', [{ wildcard: '*x*' }], 'axb', 'ab'],
    ['headed wildcard', [{ wildcard: 'a*c' }], 'abc', 'abd'],
    ['cidr', [{ cidr: '10.0.0.0/8' }], '10.1.2.3', '11.0.0.1'],
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
    const suffix = testsOf([{ suffix: 'a' }])[0] as ValueTest;
    const prefix = testsOf([{ prefix: 'a' }])[0] as ValueTest;
    const more = testsOf([{ prefix: 'b' }])[0] as ValueTest;
    m.add(suffix, 'S');
    m.add(more, 'B');
    m.add(prefix, 'P');
    assert.deepEqual(collected(m, 'a'), ['P', 'S']);
    m.remove(suffix, 'S');
    assert.deepEqual(collected(m, 'a'), ['P']);
    assert.deepEqual(collected(m, 'b'), ['B']);
    m.remove(prefix, 'P');
    assert.deepEqual(collected(m, 'a'), []);
    assert.deepEqual(collected(m, 'b'), ['B']);
  });

  it('refuses exact values, which the automaton keeps in its exact-value table', () => {
    const m = new FieldMatcher<string>();
    assert.throws(() => m.add(testsOf(['a'])[0] as ValueTest, 'A'), /exact-value table/);
  });
});
