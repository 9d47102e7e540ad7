/**
 * The edge cases of the reference around the operators: $or, arrays in events, dotted keys and duplicates,
 * the null / empty / missing truth table (§1.3), and numbers and escapes as written in raw JSON. Every case runs
 * through the reference interpreter and the compiled matcher (parsed, JSON text, bytes), which must agree.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuleMatcher } from './rule-matcher.ts';
import { decide } from './test-support.ts';

type Case = [name: string, pattern: object, event: object, expected: boolean];

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const [name, pattern, event, expected] of cases) {
      it(`${expected ? 'matches' : 'does not match'}: ${name}`, () => {
        assert.equal(decide(pattern, event), expected);
      });
    }
  });
}

table('$or and several operators in one list', [
  ['either branch', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '2' }, true],
  ['neither branch', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { a: '2', b: '1' }, false],
  ['branch AND sibling', { s: ['x'], $or: [{ a: ['1'] }, { b: ['2'] }] }, { s: 'y', a: '1' }, false],
  [
    'nested level',
    { d: { $or: [{ c: [{ numeric: ['>', 0] }] }, { x: [{ numeric: ['=', 1] }] }] } },
    { d: { x: 1 } },
    true,
  ],
  [
    'parallel $or multiply',
    { $or: [{ a: ['1'] }, { b: ['1'] }], d: { $or: [{ c: ['1'] }, { e: ['1'] }] } },
    { b: '1', d: { e: '1' } },
    true,
  ],
  ['$or with an object value is a field name', { $or: { a: ['1'] } }, { $or: { a: '1' } }, true],
  [
    '$or holding match expressions is a field name',
    { $or: [{ prefix: 'x' }, { prefix: 'y' }] },
    { $or: 'yes' },
    true,
  ],
  ['list is OR across operators', { k: [{ exists: true }, { prefix: 'IGNORED' }] }, { k: 'v' }, true],
  ['anything-but OR exists:false', { s: [{ 'anything-but': ['roses'] }, { exists: false }] }, { t: 1 }, true],
]);

table('arrays in events', [
  ['intersection with a list', { r: ['a', 'b'] }, { r: ['c', 'b'] }, true],
  ['no intersection', { r: ['a', 'b'] }, { r: ['c', 'd'] }, false],
  ['null inside an empty array', { r: [null] }, { r: [] }, false],
  ['numeric on array elements', { v: [{ numeric: ['>', 10] }] }, { v: [1, 20] }, true],
  ['array of objects is crushed', { e: { n: ['Anna'] } }, { e: [{ n: 'John' }, { n: 'Anna' }] }, true],
  ['nested arrays', { e: { n: ['x'] } }, { e: [[{ n: 'y' }], [{ n: 'x' }]] }, true],
  [
    'two fields in one element',
    { e: { f: ['Anna'], l: ['Jones'] } },
    { e: [{ f: 'Anna', l: 'Jones' }] },
    true,
  ],
  [
    'two fields in different elements (array consistency)',
    { e: { f: ['Anna'], l: ['Jones'] } },
    {
      e: [
        { f: 'Anna', l: 'X' },
        { f: 'Y', l: 'Jones' },
      ],
    },
    false,
  ],
  [
    'elements of nested arrays of one outer element',
    { e: { f: ['a'], l: ['b'] } },
    { e: [[{ f: 'a' }, { l: 'b' }]] },
    false,
  ],
  ['array element vs scalar outside', { e: { f: ['a'] }, v: ['1'] }, { e: [{ f: 'a' }], v: '1' }, true],
  [
    'exists:false is decided over the whole event',
    { d: { a: [{ exists: true }], b: [{ exists: false }] } },
    { d: [{ a: 1, b: 2 }, { a: 3 }] },
    false,
  ],
]);

table('dotted keys and duplicates', [
  [
    'dotted pattern key, nested event',
    { detail: { 'state.status': ['running'] } },
    { detail: { state: { status: 'running' } } },
    true,
  ],
  [
    'nested pattern, dotted event key',
    { detail: { state: { status: ['running'] } } },
    { detail: { 'state.status': 'running' } },
    true,
  ],
  [
    'dotted key one level too deep',
    { detail: { 'state.status': { status: ['running'] } } },
    { detail: { state: { status: 'running' } } },
    false,
  ],
  ['top-level dotted key', { 'a.b.c': ['x'] }, { a: { 'b.c': 'x' } }, true],
  ['empty key', { '': ['x'] }, { '': 'x' }, true],
]);

describe('null / empty / missing truth table (reference §1.3)', () => {
  const patterns: [string, object][] = [
    ['["x"]', ['x']],
    ['[null]', [null]],
    ['[""]', ['']],
    ['exists:true', [{ exists: true }]],
    ['exists:false', [{ exists: false }]],
    ['anything-but "x"', [{ 'anything-but': 'x' }]],
    ['prefix ""', [{ prefix: '' }]],
  ];
  const rows: [string, Record<string, unknown>, boolean[]][] = [
    ['missing', {}, [false, false, false, false, true, false, false]],
    ['null', { f: null }, [false, true, false, true, false, true, false]],
    ['""', { f: '' }, [false, false, true, true, false, true, true]],
    ['[]', { f: [] }, [false, false, false, false, true, false, false]],
    ['{…}', { f: { g: 1 } }, [false, false, false, false, true, false, false]],
  ];
  for (const [label, event, expected] of rows) {
    it(`event value ${label}`, () => {
      const got = patterns.map(([, values]) => decide({ f: values }, event));
      assert.deepEqual(got, expected, patterns.map(([name]) => name).join(', '));
    });
  }
});

describe('duplicate keys in pattern text', () => {
  it('keeps the last occurrence, as AWS does', () => {
    assert.equal(decide('{"a":["x"],"a":["y"]}', { a: 'y' }), true);
    assert.equal(decide('{"a":["x"],"a":["y"]}', { a: 'x' }), false);
  });
});

describe('numbers written differently in raw JSON', () => {
  it('sees 300.0, 3.0e2 and 3E+2 as 300', () => {
    const m = new RuleMatcher();
    m.add('eq', { n: [300] });
    m.add('gt', { n: [{ numeric: ['>', 299.5] }] });
    for (const literal of ['300.0', '3.0e2', '3E+2', '300']) {
      assert.deepEqual([...m.matchJson(`{"n": ${literal}}`)].sort(), ['eq', 'gt'], literal);
    }
    assert.deepEqual(m.matchJson('{"n": "300"}'), []);
  });

  it('reads escapes, unicode and dotted keys from raw JSON', () => {
    const m = new RuleMatcher();
    m.add('esc', { 'a"b': ['x\n"y'] });
    m.add('uni', { é: ['😀'] });
    m.add('dot', { a: { b: { c: ['d'] } } });
    assert.deepEqual(m.matchJson('{"a\\"b": "x\\n\\"y"}'), ['esc']);
    assert.deepEqual(m.matchJson(Buffer.from('{"\\u00e9": "\\ud83d\\ude00"}')), ['uni']);
    assert.deepEqual(m.matchJson(Buffer.from('{"é": "😀"}')), ['uni']);
    assert.deepEqual(m.matchJson('{"a.b": {"c": "d"}}'), ['dot']);
    assert.deepEqual(m.matchJson('{"a": {"b.c": "d"}, "z": [1, {"q": [true, null]}]}'), ['dot']);
  });

  it('rejects raw input that is not JSON it can walk', () => {
    const m = new RuleMatcher();
    m.add('r', { a: ['x'] });
    assert.throws(() => m.matchJson('{"a": "x"'), SyntaxError);
    assert.throws(() => m.matchJson('{"a" "x"}'), SyntaxError);
    assert.throws(() => m.matchJson(''), SyntaxError);
    assert.deepEqual(m.matchJson('[1, 2]'), []);
  });
});
