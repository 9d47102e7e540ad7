/**
 * Validation: AWS's reason texts for invalid patterns (beyond the recorded conformance cases, the messages
 * event-ruler gives, which AWS repeats), the structure rules ($or, nesting, empty lists), and the limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { compilePattern, validatePattern } from './pattern-parser.ts';
import { rejection } from './test-support.ts';

describe('invalid patterns carry the AWS reason', () => {
  const cases: [string, unknown, string][] = [
    ['array at the top', [1], 'Filter is not an object'],
    ['string at the top', '"x"', 'Filter is not an object'],
    ['scalar leaf', { a: 1 }, '"a" must be an object or an array'],
    ['empty object', { a: {} }, 'Empty objects are not allowed'],
    ['empty pattern', {}, 'Empty objects are not allowed'],
    ['empty list', { a: [] }, 'Empty arrays are not allowed'],
    ['nested list', { a: [['x']] }, 'Match value must be String, number, true, false, or null'],
    ['empty match expression', { a: [{}] }, 'Match expression name not found'],
    ['unknown operator', { a: [{ regex: 'x' }] }, 'Unrecognized match type regex'],
    ['operators are case-sensitive', { a: [{ Prefix: 'x' }] }, 'Unrecognized match type Prefix'],
    [
      'two keys in a match expression',
      { a: [{ prefix: 'x', suffix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    ['prefix of a number', { a: [{ prefix: 1 }] }, 'prefix match pattern must be a string'],
    [
      'prefix with another inner operator',
      { a: [{ prefix: { wildcard: 'x' } }] },
      'Unsupported prefix pattern: wildcard',
    ],
    ['prefix with empty object', { a: [{ prefix: {} }] }, 'Prefix expression name not found'],
    [
      'suffix ignore-case of a number',
      { a: [{ suffix: { 'equals-ignore-case': 1 } }] },
      'equals-ignore-case match pattern must be a string',
    ],
    ['exists of a string', { a: [{ exists: 'yes' }] }, 'exists match pattern must be either true or false.'],
    ['numeric empty', { a: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    ['numeric starting with a number', { a: [{ numeric: [5] }] }, 'Invalid member in numeric match: 5'],
    ['numeric unknown operator', { a: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !='],
    ['numeric = without number', { a: [{ numeric: ['=', '5'] }] }, 'Value of equals must be numeric'],
    [
      'numeric = with extra terms',
      { a: [{ numeric: ['=', 5, '<', 6] }] },
      'Too many elements in numeric expression',
    ],
    [
      'numeric < with a range',
      { a: [{ numeric: ['<', 5, '>', 1] }] },
      'Too many elements in numeric expression',
    ],
    [
      'numeric range second operator',
      { a: [{ numeric: ['>', 0, '>', 5] }] },
      'Bad numeric range operator: >',
    ],
    ['numeric range second value', { a: [{ numeric: ['>', 0, '<', 'x'] }] }, 'Value of < must be numeric'],
    ['numeric range bad value', { a: [{ numeric: ['>', 0, 5] }] }, 'Bad value in numeric range: 5'],
    [
      'numeric range too long',
      { a: [{ numeric: ['>', 0, '<', 5, 6] }] },
      'Too many terms in numeric range expression',
    ],
    ['numeric range inverted', { a: [{ numeric: ['>', 5, '<', 5] }] }, 'Bottom must be less than top'],
    [
      'anything-but null',
      { a: [{ 'anything-but': null }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but boolean list',
      { a: [{ 'anything-but': [true] }] },
      'Inside anything but list, start|null|boolean is not supported.',
    ],
    [
      'anything-but mixed list',
      { a: [{ 'anything-but': ['a', 1] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'anything-but empty list',
      { a: [{ 'anything-but': [] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'anything-but exists',
      { a: [{ 'anything-but': { exists: true } }] },
      'Unsupported anything-but pattern: exists',
    ],
    ['anything-but empty object', { a: [{ 'anything-but': {} }] }, 'Anything-But expression name not found'],
    [
      'anything-but prefix empty',
      { a: [{ 'anything-but': { prefix: '' } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'anything-but suffix empty in list',
      { a: [{ 'anything-but': { suffix: ['x', ''] } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'anything-but wildcard with bad escape',
      { a: [{ 'anything-but': { wildcard: 'a\\b' } }] },
      'Invalid escape character at pos 2',
    ],
    ['wildcard consecutive stars', { a: [{ wildcard: 'ab**' }] }, 'Consecutive wildcard characters at pos 3'],
    [
      'wildcard positions count UTF-8 bytes',
      { a: [{ wildcard: 'é**' }] },
      'Consecutive wildcard characters at pos 3',
    ],
    ['wildcard bad escape', { a: [{ wildcard: '\\n' }] }, 'Invalid escape character at pos 1'],
    ['wildcard trailing backslash', { a: [{ wildcard: 'a\\' }] }, 'Invalid escape character at pos 2'],
    ['cidr mask too large', { a: [{ cidr: '10.0.0.0/32' }] }, 'IPv4 mask bits must be < 32'],
    ['cidr IPv6 mask too large', { a: [{ cidr: '::/128' }] }, 'IPv6 mask bits must be < 128'],
    [
      'cidr negative mask',
      { a: [{ cidr: '10.0.0.0/-1' }] },
      'Malformed CIDR, mask bits must not be negative',
    ],
    ['cidr two slashes', { a: [{ cidr: '10.0.0.0/8/8' }] }, "Malformed CIDR, one '/' required"],
    ['cidr octet too large', { a: [{ cidr: '10.0.0.256/8' }] }, 'Nonstandard IP address: 10.0.0.256'],
    [
      '$or with one object',
      { $or: [{ a: ['1'] }] },
      'There must have at least 2 Objects in $or relationship.',
    ],
    [
      '$or with a nested list',
      { $or: [[{ a: ['1'] }], { b: ['1'] }] },
      'Match value must be String, number, true, false, or null',
    ],
  ];
  for (const [name, pattern, reason] of cases) {
    it(name, () => assert.equal(rejection(pattern as object), reason));
  }

  it('throws SY_ERR_PATTERN_INVALID with the AWS message', () => {
    assert.throws(
      () => compilePattern('{"a": 1}'),
      (err: unknown) =>
        isSwitchyardError(err, 'SY_ERR_PATTERN_INVALID') &&
        err.message === 'Event pattern is not valid. Reason: "a" must be an object or an array' &&
        err.status === 400,
    );
  });

  it('reports JSON syntax errors', () => {
    const result = validatePattern('{"a": [');
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.reason.length > 0);
  });
});

describe('structure', () => {
  it('joins nested keys with dots and expands $or into branches', () => {
    const p = compilePattern({ source: ['s'], detail: { $or: [{ a: ['1'] }, { 'b.c': ['2'] }] } });
    assert.deepEqual(
      p.branches.map((b) => b.map((c) => c.path)),
      [
        ['source', 'detail.a'],
        ['source', 'detail.b.c'],
      ],
    );
    assert.deepEqual(p.branches[1]?.[1]?.steps, ['detail', 'b', 'c']);
  });

  it('lets a later condition on the same path replace an earlier one', () => {
    const p = compilePattern({ a: { b: ['1'] }, 'a.b': ['2'] });
    assert.equal(p.branches.length, 1);
    assert.deepEqual(
      p.branches[0]?.map((c) => c.tests),
      [[{ kind: 'exact-string', value: '2' }]],
    );
  });

  it('accepts objects and text alike', () => {
    assert.deepEqual(compilePattern({ a: ['x'] }).branches, compilePattern('{"a":["x"]}').branches);
  });
});

describe('limits', () => {
  it('enforces the pattern length (default 2048 characters)', () => {
    const long = { a: ['x'.repeat(2100)] };
    assert.match(rejection(long) ?? '', /limit is 2048 \(maxLength\)/);
    assert.equal(rejection(long, { limits: { maxLength: 4096 } }), undefined);
  });

  it('enforces $or combinations (default 1000) before expanding them', () => {
    const or = (n: number, key: string) => ({
      $or: Array.from({ length: n }, (_, i) => ({ [`${key}${i}`]: ['x'] })),
    });
    const maxLength = 100_000;
    const pattern = { a: or(10, 'a'), b: or(10, 'b'), c: or(10, 'c') };
    assert.equal(compilePattern(pattern, { limits: { maxLength } }).branches.length, 1000);
    const bigger = { ...pattern, d: or(2, 'd') };
    assert.match(
      rejection(bigger, { limits: { maxLength } }) ?? '',
      /\$or combinations exceed the limit of 1000/,
    );
    assert.equal(
      compilePattern(bigger, { limits: { maxLength, maxCombinations: 2000 } }).branches.length,
      2000,
    );
    const huge = { a: or(50, 'a'), b: or(50, 'b'), c: or(50, 'c'), d: or(50, 'd') };
    assert.match(rejection(huge, { limits: { maxLength } }) ?? '', /exceed the limit/);
  });

  it('enforces wildcard complexity (configurable)', () => {
    const complex = { a: [{ wildcard: '*:*:*:*:*:event-bus/*' }] };
    assert.match(rejection(complex) ?? '', /^Rule is too complex/);
    assert.equal(rejection(complex, { limits: { maxWildcardComplexity: 20 } }), undefined);
    assert.equal(rejection({ a: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] }), undefined);
  });

  it('rejects nonsensical limit values', () => {
    assert.throws(() => compilePattern({ a: ['x'] }, { limits: { maxLength: 0 } }), RangeError);
  });
});
