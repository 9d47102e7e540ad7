/**
 * Array consistency as event-ruler's rulesForJSONEvent decides it: two matched fields inside different elements
 * of one array do not match together. The cases follow the categories of event-ruler's correctness cases
 * (object arrays, primitive arrays, nesting, exists:false); the "decision" cases are those where the older,
 * non-consistent semantics (any leaf anywhere, as LocalStack and ruler's legacy rulesForEvent match) would say
 * match, and the test checks that exactly those flip.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern } from './pattern-parser.ts';
import type { CompiledPattern } from './pattern-types.ts';
import { flattenEvent } from './reference-interpreter.ts';
import { decide, prng } from './test-support.ts';
import { leafPasses } from './value-tests.ts';

const E = [{ exists: true }];

/** [name, rule, event, matches under array consistency, decision case] */
const cases: [string, object, object, boolean, boolean][] = [
  ['flat: both present', { d: { a: E, b: E } }, { d: { a: 1, b: 2 } }, true, false],
  ['flat: one missing', { d: { a: E, b: E } }, { d: { a: 1 } }, false, false],
  ['objarray: same element', { d: { a: E, b: E } }, { d: [{ a: 1, b: 2 }] }, true, false],
  ['objarray: split', { d: { a: E, b: E } }, { d: [{ a: 1 }, { b: 2 }] }, false, true],
  [
    'objarray: 3 elements, last valid',
    { d: { a: E, b: E } },
    { d: [{ a: 1 }, { b: 2 }, { a: 3, b: 4 }] },
    true,
    false,
  ],
  ['objarray: split 3 ways', { d: { a: E, b: E, c: E } }, { d: [{ a: 1 }, { b: 2 }, { c: 3 }] }, false, true],
  [
    'objarray: exact split',
    { d: { n: ['alice'], s: ['active'] } },
    { d: [{ n: 'alice' }, { s: 'active' }] },
    false,
    true,
  ],
  [
    'objarray: prefix split',
    { d: { n: [{ prefix: 'al' }], s: E } },
    { d: [{ n: 'alice' }, { s: 'ok' }] },
    false,
    true,
  ],
  [
    'objarray: suffix split',
    { d: { n: [{ suffix: 'ice' }], t: E } },
    { d: [{ n: 'alice' }, { t: 'user' }] },
    false,
    true,
  ],
  [
    'objarray: suffix same',
    { d: { n: [{ suffix: 'ice' }], t: E } },
    { d: [{ n: 'alice', t: 'user' }] },
    true,
    false,
  ],
  [
    'nested: inner same',
    { u: { t: { k: ['color'], v: ['blue'] } } },
    { u: [{ t: [{ k: 'color', v: 'blue' }] }] },
    true,
    false,
  ],
  [
    'nested: inner split',
    { u: { t: { k: ['color'], v: ['blue'] } } },
    { u: [{ t: [{ k: 'color' }, { v: 'blue' }] }] },
    false,
    true,
  ],
  [
    'nested: outer split',
    { d: { n: E, i: { x: ['1'] } } },
    { d: [{ n: 'a' }, { i: { x: '1' } }] },
    false,
    true,
  ],
  ['nested: outer same', { d: { n: E, i: { x: ['1'] } } }, { d: [{ n: 'a', i: { x: '1' } }] }, true, false],
  ['nested2: split leaf', { a: { b: { x: E, y: E } } }, { a: [{ b: [{ x: 1 }, { y: 2 }] }] }, false, true],
  [
    'mixed: array + scalar',
    { users: { name: E }, version: ['1'] },
    { users: [{ name: 'a' }], version: '1' },
    true,
    false,
  ],
  [
    'mixed: obj-array split + prim-array',
    { users: { name: E, email: E }, tags: ['admin'] },
    { users: [{ name: 'a' }, { email: 'b' }], tags: ['admin'] },
    false,
    true,
  ],
  [
    'mixed: obj-array + prim-array',
    { users: { name: E }, tags: ['admin'] },
    { users: [{ name: 'a' }], tags: ['admin', 'user'] },
    true,
    false,
  ],
  ['exists:false, absent', { d: { a: E, b: [{ exists: false }] } }, { d: [{ a: 1 }] }, true, false],
  ['exists:false, present', { d: { a: E, b: [{ exists: false }] } }, { d: [{ a: 1, b: 2 }] }, false, false],
  ['empty event', { d: { a: E } }, {}, false, false],
  ['empty array', { d: { a: E } }, { d: [] }, false, false],
  [
    'many elements, one valid',
    { d: { a: ['t'], b: ['f'] } },
    { d: [{ a: 'x' }, { a: 'y' }, { a: 't', b: 'f' }, { a: 'z' }] },
    true,
    false,
  ],
  [
    'numeric + exists in one element',
    { i: { p: [{ numeric: ['>', 0, '<', 100] }], n: E } },
    {
      i: [
        { n: 'w', p: 50 },
        { n: 'g', p: 200 },
      ],
    },
    true,
    false,
  ],
  [
    'anything-but in one element',
    { u: { s: [{ 'anything-but': 'banned' }], n: E } },
    {
      u: [
        { n: 'a', s: 'banned' },
        { n: 'b', s: 'active' },
      ],
    },
    true,
    false,
  ],
  [
    'primitive array + scalar',
    { d: { tags: [{ prefix: 'ad' }], type: E } },
    { d: { tags: ['admin', 'user'], type: 'G' } },
    true,
    false,
  ],
  [
    'two primitive arrays',
    { tags: E, cats: E, v: ['1'] },
    { tags: ['a', 'b'], cats: ['x', 'y'], v: '1' },
    true,
    false,
  ],
  [
    'numeric in primitive array',
    { d: { vals: [{ numeric: ['>', 0, '<', 10] }], type: E } },
    { d: { vals: [100, 5, 200], type: 'ok' } },
    true,
    false,
  ],
  ['empty primitive array', { d: { name: E, type: E } }, { d: { name: [], type: 'x' } }, false, false],
  [
    'only the last element has both',
    { d: { email: E, name: E } },
    { d: [{ email: 'a' }, { email: 'b' }, { email: 'c', name: 'e' }] },
    true,
    false,
  ],
];

/** The legacy, non-consistent semantics: each condition is met by any leaf at its path. */
function legacyMatches(pattern: CompiledPattern, event: unknown): boolean {
  const leaves = flattenEvent(event);
  return pattern.branches.some((branch) =>
    branch.every((condition) => {
      const at = leaves.filter((l) => l.path === condition.path);
      return condition.tests.some((t) =>
        t.kind === 'exists'
          ? t.value
            ? at.length > 0
            : at.length === 0
          : at.some((l) => leafPasses(t, l.value)),
      );
    }),
  );
}

describe('array consistency (rulesForJSONEvent semantics)', () => {
  for (const [name, rule, event, expected, decision] of cases) {
    it(`${expected ? 'match' : 'no match'}: ${name}`, () => {
      assert.equal(decide(rule, event), expected);
      // The decision cases are exactly those the non-consistent semantics would match.
      assert.equal(legacyMatches(compilePattern(rule), event), expected || decision);
    });
  }

  it('has the decision cases of the reference (9 split cases)', () => {
    assert.equal(cases.filter((c) => c[4]).length, 9);
  });
});

describe('array consistency in large arrays (leaves followed by picked element)', () => {
  it('agrees with the reference on seeded events whose arrays are longer than the grouping threshold', () => {
    const rand = prng(7331);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const item = () => ({
      sku: pick(['A', 'B', 'C']),
      qty: pick([1, 2, 3]),
      tags: Array.from({ length: Math.floor(rand() * 3) }, () => pick(['x', 'y', 'z'])),
    });
    const rules = [
      { detail: { items: { sku: ['A'], qty: [2] } } },
      { detail: { items: { sku: [{ 'anything-but': 'B' }], tags: ['z'] } } },
      { detail: { items: { sku: ['C'], qty: [{ numeric: ['>', 2] }], tags: ['y'] } } },
      { detail: { items: { qty: [3] }, region: ['eu'] } },
      // Scalars of an array outside `items` are in no element: followed whatever is picked.
      { detail: { items: { sku: ['A'] } }, labels: ['k'] },
    ];
    let matched = 0;
    for (let n = 0; n < 120; n++) {
      const length = 17 + Math.floor(rand() * 40);
      // Sometimes the items come as an array of arrays of objects.
      const items = Array.from({ length }, () => (rand() < 0.2 ? [item(), item()] : item()));
      const labels = Array.from({ length: 17 + Math.floor(rand() * 10) }, () => pick(['j', 'k', 'l', 'm']));
      const event = { detail: { region: pick(['eu', 'us']), items }, labels: rand() < 0.5 ? labels : ['j'] };
      for (const rule of rules) if (decide(rule, event)) matched++;
    }
    assert.ok(matched > 50 && matched < 550, `a mix of matches and misses (${matched})`);
  });
});
