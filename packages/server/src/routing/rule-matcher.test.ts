/**
 * The RuleMatcher API: adding, replacing and removing rules, many rules at once, shared states, and results.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { MAX_ARRAY_NESTING } from './event-fields.ts';
import { compilePattern } from './pattern-parser.ts';
import { referenceMatches as patternMatches } from './reference-interpreter.ts';
import { RuleMatcher } from './rule-matcher.ts';

const sorted = (ids: readonly string[]) => [...ids].sort();

describe('RuleMatcher', () => {
  it('returns the ids of all matching rules, each once', () => {
    const m = new RuleMatcher();
    m.add('ec2', { source: ['aws.ec2'] });
    m.add('ec2-running', { source: ['aws.ec2'], detail: { state: ['running'] } });
    m.add('any-state', { detail: { state: [{ exists: true }] } });
    m.add('either', { $or: [{ source: ['aws.ec2'] }, { detail: { state: ['running'] } }] });
    const event = { source: 'aws.ec2', detail: { state: 'running' } };
    assert.deepEqual(sorted(m.match(event)), ['any-state', 'ec2', 'ec2-running', 'either']);
    assert.deepEqual(sorted(m.match({ source: 'aws.s3' })), []);
    assert.equal(m.size, 4);
  });

  it('reports each matching rule once when an event reaches it by several branches, few rules or many', () => {
    for (const count of [3, 8, 9, 40]) {
      const m = new RuleMatcher();
      for (let i = 0; i < count; i++) {
        m.add(`r${i}`, {
          $or: [{ a: ['1'] }, { b: [{ prefix: 'x' }] }, { c: [{ exists: true }], d: [`${i}`] }],
        });
      }
      const ids = m.match({ a: '1', b: 'xy', c: 0, d: '2' });
      assert.equal(ids.length, count, `${count} rules`);
      assert.equal(new Set(ids).size, count);
    }
  });

  it('accepts compiled patterns, text and objects; rejects invalid ones with the catalogue error', () => {
    const m = new RuleMatcher();
    m.add('a', compilePattern({ a: ['1'] }));
    m.add('b', '{"a":["1"]}');
    m.add('c', { a: ['1'] });
    assert.deepEqual(sorted(m.match({ a: '1' })), ['a', 'b', 'c']);
    assert.throws(
      () => m.add('d', { a: 1 }),
      (err: unknown) => isSwitchyardError(err, 'SY_ERR_PATTERN_INVALID'),
    );
    assert.equal(m.has('d'), false);
  });

  it('replaces a rule added again under the same id', () => {
    const m = new RuleMatcher();
    m.add('r', { a: ['1'] });
    m.add('r', { a: ['2'] });
    assert.deepEqual(m.match({ a: '1' }), []);
    assert.deepEqual(m.match({ a: '2' }), ['r']);
    assert.equal(m.size, 1);
    assert.deepEqual(m.get('r')?.source, '{"a":["2"]}');
  });

  it('keeps exact values with one, several and again one next state, at one and at many values per field', () => {
    const m = new RuleMatcher();
    // A lone exact value (kept inline in its transition), then the same value leading to a second state through
    // a condition that also has a prefix (a mixed list is not split), then many values on the field.
    m.add('a', { f: ['a'] });
    assert.deepEqual(m.match({ f: 'a' }), ['a']);
    m.add('a-or-zz', { f: ['a', { prefix: 'zz' }] });
    assert.deepEqual(sorted(m.match({ f: 'a' })), ['a', 'a-or-zz']);
    assert.deepEqual(m.match({ f: 'zzz' }), ['a-or-zz']);
    for (let i = 0; i < 20; i++) m.add(`v${i}`, { f: [`v${i}`] });
    assert.deepEqual(sorted(m.match({ f: 'a' })), ['a', 'a-or-zz']);
    assert.deepEqual(m.match({ f: 'v7' }), ['v7']);
    m.remove('a');
    assert.deepEqual(m.match({ f: 'a' }), ['a-or-zz']);
    for (let i = 0; i < 20; i++) m.remove(`v${i}`);
    assert.deepEqual(m.match({ f: 'a' }), ['a-or-zz']);
    assert.deepEqual(m.match({ f: 'v7' }), []);
    m.remove('a-or-zz');
    assert.deepEqual(m.match({ f: 'a' }), []);
    m.add('n', { f: [5, { numeric: ['=', 5] }] });
    assert.deepEqual(m.match({ f: 5 }), ['n']);
    assert.deepEqual(m.match({ f: '5' }), []);
  });

  it('answers like the reference for every test a transition keeps inline, alone and beside another test', () => {
    const lone: unknown[][] = [
      [{ exists: true }],
      [{ exists: false }],
      [{ numeric: ['>', 1, '<=', 3] }],
      [{ numeric: ['>=', 1, '<', 3] }],
      [{ numeric: ['>', 1.5, '<', 2.5] }],
      [{ numeric: ['<', 3] }],
      [{ numeric: ['>=', 5e9] }],
      [{ wildcard: '*c' }],
      [{ prefix: 'ab' }],
      [{ 'anything-but': 'x' }],
      [{ 'anything-but': ['x', 'y'] }],
      [{ 'anything-but': ['x', 'y', 'z'] }],
      [{ 'anything-but': [7, 8] }],
      [{ wildcard: 'a*c' }],
      [{ suffix: 'bc' }],
    ];
    const values: unknown[] = [
      ...['x', 'y', 'z', 'ab', 'abc', 'a', 'axc', 'c', 'zb'],
      ...[1, 1.5, 2, 2.5, 3, 7, 0, -4, 5e9, 6e9],
      ...[true, null, ['x', 'q'], [2, 9]],
    ];
    const events = [{}, ...values.map((f) => ({ f }))];
    for (const tests of lone) {
      // Alone the test is inline; beside a second inline test each sits in its own record of the transition;
      // beside a test kept in a FieldMatcher, or beside more than the records hold, all move to a FieldMatcher.
      const companions = [
        undefined,
        [{ prefix: 'zz' }],
        [{ suffix: 'zz' }],
        ['q', 'zy', 7, { prefix: 'zx' }],
      ];
      for (const companion of companions) {
        const m = new RuleMatcher();
        m.add('r', { f: tests });
        if (companion !== undefined) m.add('other', { f: companion });
        if (companion?.length === 4)
          for (let i = 0; i < 4; i++) m.add(`p${i}`, { f: [{ prefix: `zz${i}` }] });
        for (const event of events) {
          const expected = patternMatches(compilePattern({ f: tests }), event);
          assert.equal(
            m.match(event).includes('r'),
            expected,
            `${JSON.stringify(tests)} on ${JSON.stringify(event)}`,
          );
          assert.equal(m.matchJson(JSON.stringify(event)).includes('r'), expected);
        }
        m.remove('other');
        for (const event of events) {
          assert.equal(m.match(event).includes('r'), patternMatches(compilePattern({ f: tests }), event));
        }
      }
    }
  });

  it('resolves the keys of events shaped alike again after the rules change which keys are named', () => {
    const m = new RuleMatcher();
    // Both walkers remember, per key position, where a key led; every answer is checked parsed and raw.
    const both = (event: unknown) => {
      const parsed = sorted(m.match(event));
      assert.deepEqual(sorted(m.matchJson(JSON.stringify(event))), parsed);
      return parsed;
    };
    m.add('b', { a: { b: [1] } });
    const event = () => ({ x: 0, a: { b: 1, c: 2 }, 'a.c': 2 });
    assert.deepEqual(both(event()), ['b']);
    m.add('c', { a: { c: [2] } });
    assert.deepEqual(both(event()), ['b', 'c']);
    m.add('x', { x: [0] });
    assert.deepEqual(both(event()), ['b', 'c', 'x']);
    m.remove('c');
    m.remove('x');
    assert.deepEqual(both(event()), ['b']);
    m.add('dotted', { 'a.c': [2] });
    assert.deepEqual(both({ q: 1, 'a.c': 2 }), ['dotted']);
    assert.deepEqual(both({ q: 1, a: { c: 2 } }), ['dotted']);
    assert.deepEqual(both({ q: 1, a: { b: 1, c: 3 } }), ['b']);
  });

  it('forgets exact values removed while a field had few of them, once it has many again', () => {
    const m = new RuleMatcher();
    m.add('keeps-d-named', { other: ['d'] });
    for (const v of ['a', 'b', 'c', 'd', 'e']) m.add(v, { f: [v] });
    assert.deepEqual(m.match({ f: 'd' }), ['d']);
    m.remove('e');
    m.remove('d');
    m.add('x', { f: ['x'] });
    m.add('y', { f: ['y'] });
    assert.deepEqual(m.match({ f: 'd' }), []);
    assert.deepEqual(m.match({ f: 'x' }), ['x']);
    assert.deepEqual(m.match({ f: 'a' }), ['a']);
  });

  it('resolves keys past the remembered positions, long keys, and objects whose shapes alternate', () => {
    const m = new RuleMatcher();
    const long = `key-${'x'.repeat(40)}`;
    m.add('far', { f70: ['v'] });
    m.add('long', { [long]: ['v'] });
    m.add('near', { a: ['1'] });
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) wide[`f${i}`] = i === 70 ? 'v' : i;
    wide[long] = 'v';
    const shapes = [
      wide,
      { a: '1', b: 2 },
      { b: 2, a: '1' },
      { [long]: 'v', a: '2' },
      { a: '1', [long]: 'w' },
    ];
    const expected = [['far', 'long'], ['near'], ['near'], ['long'], ['near']];
    for (let round = 0; round < 3; round++) {
      shapes.forEach((event, i) => {
        assert.deepEqual(sorted(m.match(event)), expected[i], `parsed, shape ${i}`);
        assert.deepEqual(sorted(m.matchJson(JSON.stringify(event))), expected[i], `raw, shape ${i}`);
      });
    }
  });

  it('reports the bytes its typed arrays hold, growing with the rules', () => {
    const m = new RuleMatcher();
    const empty = m.tableBytes;
    assert.ok(empty > 0);
    for (let i = 0; i < 2000; i++)
      m.add(`r${i}`, { source: [`s${i}`], detail: { n: [{ numeric: ['>', i] }] } });
    assert.ok(m.tableBytes > empty);
  });

  it('removes rules without disturbing rules that share their states', () => {
    const m = new RuleMatcher();
    m.add('one', { source: ['s'], detail: { a: ['1'] } });
    m.add('two', { source: ['s'], detail: { a: ['1'], b: ['2'] } });
    m.add('three', { source: ['s'], detail: { a: [{ prefix: '1' }] } });
    const event = { source: 's', detail: { a: '1', b: '2' } };
    assert.deepEqual(sorted(m.match(event)), ['one', 'three', 'two']);
    assert.equal(m.remove('one'), true);
    assert.deepEqual(sorted(m.match(event)), ['three', 'two']);
    assert.equal(m.remove('one'), false);
    m.remove('three');
    assert.deepEqual(m.match(event), ['two']);
    m.add('one', { source: ['s'], detail: { a: ['1'] } });
    assert.deepEqual(sorted(m.match(event)), ['one', 'two']);
  });

  it('uses the dialect and limits it was built with', () => {
    const sns = new RuleMatcher({ dialect: 'sns-attributes' });
    assert.throws(
      () => sns.add('w', { a: [{ wildcard: '*' }] }),
      (err: unknown) => isSwitchyardError(err, 'SY_ERR_FILTER_POLICY_INVALID'),
    );
    const small = new RuleMatcher({ limits: { maxLength: 10 } });
    assert.throws(
      () => small.add('long', { abcdef: ['ghijkl'] }),
      (err: unknown) => isSwitchyardError(err, 'SY_ERR_PATTERN_INVALID'),
    );
  });

  it('matches many rules on exact values without confusing them', () => {
    const m = new RuleMatcher();
    for (let i = 0; i < 2000; i++) m.add(`r${i}`, { source: [`s${i % 100}`], 'detail-type': [`t${i}`] });
    assert.deepEqual(m.match({ source: 's7', 'detail-type': 't1107' }), ['r1107']);
    assert.deepEqual(m.match({ source: 's8', 'detail-type': 't1107' }), []);
    for (let i = 0; i < 2000; i += 2) m.remove(`r${i}`);
    assert.deepEqual(m.match({ source: 's7', 'detail-type': 't1107' }), ['r1107']);
    assert.deepEqual(m.match({ source: 's6', 'detail-type': 't1106' }), []);
  });

  it('compacts without changing results, and keeps working for adds and removes afterwards', () => {
    const m = new RuleMatcher();
    for (let i = 0; i < 300; i++) {
      m.add(`r${i}`, {
        source: [`s${(i * 7) % 13}`],
        detail: { n: [{ numeric: ['>', i % 50] }], k: [`k${i % 3}`, 'k9'] },
      });
    }
    const events = Array.from({ length: 60 }, (_, i) => ({
      source: `s${i % 13}`,
      detail: { n: i, k: `k${i % 4}` },
    }));
    const before = events.map((e) => sorted(m.match(e)));
    m.compact();
    assert.deepEqual(
      events.map((e) => sorted(m.match(e))),
      before,
    );
    assert.equal(m.size, 300);
    m.remove('r7');
    m.add('new', { source: ['s0'] });
    const after = sorted(m.match({ source: 's0', detail: { n: 100, k: 'k9' } }));
    assert.ok(after.includes('new') && !after.includes('r7'));
    // Removing most rules after compact() frees only what no remaining rule shares: the rebuilt automaton keeps
    // every reference count.
    for (let i = 0; i < 300; i += 1) if (i % 5 !== 0 && i !== 7) m.remove(`r${i}`);
    m.remove('new');
    const remaining = new RuleMatcher();
    for (let i = 0; i < 300; i += 5) {
      remaining.add(`r${i}`, {
        source: [`s${(i * 7) % 13}`],
        detail: { n: [{ numeric: ['>', i % 50] }], k: [`k${i % 3}`, 'k9'] },
      });
    }
    assert.deepEqual(
      events.map((e) => sorted(m.match(e))),
      events.map((e) => sorted(remaining.match(e))),
    );
  });

  it('treats a non-object event as an event with no fields', () => {
    const m = new RuleMatcher();
    m.add('absent', { a: [{ exists: false }] });
    m.add('present', { a: [{ exists: true }] });
    assert.deepEqual(m.match(null), ['absent']);
    assert.deepEqual(m.match([{ a: 1 }]), ['absent']);
  });

  it('refuses an event that nests arrays too deep under a named field, instead of exhausting the stack', () => {
    const m = new RuleMatcher();
    m.add('r', { source: ['x'], detail: { n: [{ numeric: ['>', 0] }] } });
    const nested = (depth: number, inner: unknown): unknown => {
      let v = inner;
      for (let i = 0; i < depth; i++) v = [v];
      return v;
    };
    const brackets = (depth: number, inner: string) => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
    const tooDeep = (err: unknown) => isSwitchyardError(err, 'SY_ERR_EVENT_TOO_DEEP');
    assert.throws(() => m.match({ source: nested(MAX_ARRAY_NESTING + 1, 'x') }), tooDeep);
    assert.throws(() => m.matchJson(`{"source":${brackets(100_000, '"x"')}}`), tooDeep);
    // Up to the limit nested arrays flatten, as everywhere in the pattern language.
    const deepOk = { source: nested(MAX_ARRAY_NESTING, 'x'), detail: { n: 3 } };
    assert.deepEqual(m.match(deepOk), ['r']);
    assert.deepEqual(m.matchJson(JSON.stringify(deepOk)), ['r']);
    // Depth under fields no rule names is never walked, so it is no error; and the matcher goes on.
    const elsewhere = { source: 'x', other: nested(100_000, 1), detail: { n: 1 } };
    assert.deepEqual(m.match(elsewhere), ['r']);
    assert.deepEqual(m.matchJson(`{"source":"x","other":${brackets(100_000, '1')},"detail":{"n":1}}`), ['r']);
  });
});
