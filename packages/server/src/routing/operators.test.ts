/**
 * Each operator of the EventBridge pattern language, with the examples of the AWS documentation and the
 * operator edge cases of the reference. Every case runs through the reference interpreter and the compiled
 * matcher (parsed, JSON text, bytes), which must agree. Structure-level edge cases: pattern-edge-cases.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

table('exact values', [
  ['same string', { source: ['aws.ec2'] }, { source: 'aws.ec2' }, true],
  ['case-sensitive', { source: ['aws.ec2'] }, { source: 'AWS.EC2' }, false],
  ['any of a list', { state: ['running', 'stopped'] }, { state: 'stopped' }, true],
  ['the string "null" is not null', { v: [null] }, { v: 'null' }, false],
  ['null literal', { v: [null] }, { v: null }, true],
  ['empty string only matches empty string', { v: [''] }, { v: '' }, true],
  ['empty string is not null', { v: [''] }, { v: null }, false],
  ['number 5 is not the string "5"', { v: [5] }, { v: '5' }, false],
  ['string "5" is not the number 5', { v: ['5'] }, { v: 5 }, false],
  ['numbers compare by value', { v: [300] }, { v: 3e2 }, true],
  ['negative zero equals zero', { v: [0] }, { v: -0 }, true],
  ['booleans', { v: [true] }, { v: true }, true],
  ['true is not "true"', { v: [true] }, { v: 'true' }, false],
  ['unicode is compared exactly', { v: ['café'] }, { v: 'cafe\u0301' }, false],
  ['missing field', { v: ['x'] }, { w: 'x' }, false],
  ['keys are case-sensitive', { V: ['x'] }, { v: 'x' }, false],
  ['a JSON string holding JSON is not parsed', { d: { k: ['v'] } }, { d: '{"k":"v"}' }, false],
]);

table('prefix and suffix', [
  ['prefix', { region: [{ prefix: 'us-' }] }, { region: 'us-east-1' }, true],
  ['prefix miss', { region: [{ prefix: 'us-' }] }, { region: 'eu-west-1' }, false],
  ['empty prefix matches every string', { v: [{ prefix: '' }] }, { v: 'anything' }, true],
  ['empty prefix matches the empty string', { v: [{ prefix: '' }] }, { v: '' }, true],
  ['prefix never matches numbers', { v: [{ prefix: '1' }] }, { v: 123 }, false],
  ['prefix never matches null', { v: [{ prefix: '' }] }, { v: null }, false],
  ['prefix ignore-case', { v: [{ prefix: { 'equals-ignore-case': 'EventB' } }] }, { v: 'eventbridge' }, true],
  [
    'prefix ignore-case miss',
    { v: [{ prefix: { 'equals-ignore-case': 'EventB' } }] },
    { v: 'event-b' },
    false,
  ],
  ['suffix', { f: [{ suffix: '.png' }] }, { f: 'image.png' }, true],
  ['suffix is case-sensitive', { f: [{ suffix: '.PNG' }] }, { f: 'image.png' }, false],
  ['suffix ignore-case', { f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'image.png' }, true],
  ['empty suffix matches every string', { f: [{ suffix: '' }] }, { f: 'x' }, true],
  ['suffix longer than value', { f: [{ suffix: 'long.png' }] }, { f: '.png' }, false],
]);

table('equals-ignore-case', [
  ['different case', { name: [{ 'equals-ignore-case': 'alice' }] }, { name: 'ALICE' }, true],
  ['not a prefix match', { name: [{ 'equals-ignore-case': 'alice' }] }, { name: 'Alicia' }, false],
  ['empty matches empty only', { name: [{ 'equals-ignore-case': '' }] }, { name: '' }, true],
  ['empty does not match text', { name: [{ 'equals-ignore-case': '' }] }, { name: 'a' }, false],
  ['non-ASCII letters fold', { name: [{ 'equals-ignore-case': 'ÉTÉ' }] }, { name: 'été' }, true],
  ['numbers never match', { v: [{ 'equals-ignore-case': '5' }] }, { v: 5 }, false],
]);

table('wildcard', [
  [
    'ARN with two stars',
    { arn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
    { arn: 'arn:aws:events:us-east-1:123:event-bus/default' },
    true,
  ],
  ['star matches zero characters', { v: [{ wildcard: 'h*llo' }] }, { v: 'hllo' }, true],
  ['star in the middle', { v: [{ wildcard: 'h*llo' }] }, { v: 'hello' }, true],
  ['literal tail must match', { v: [{ wildcard: 'h*llo' }] }, { v: 'hellos' }, false],
  ['leading star', { v: [{ wildcard: '*.png' }] }, { v: 'a.png' }, true],
  ['star alone matches the empty string', { v: [{ wildcard: '*' }] }, { v: '' }, true],
  ['empty wildcard matches only the empty string', { v: [{ wildcard: '' }] }, { v: 'x' }, false],
  ['escaped star is literal', { v: [{ wildcard: 'a\\*b' }] }, { v: 'a*b' }, true],
  ['escaped star does not wildcard', { v: [{ wildcard: 'a\\*b' }] }, { v: 'axb' }, false],
  ['escaped backslash', { v: [{ wildcard: 'a\\\\b' }] }, { v: 'a\\b' }, true],
  ['repeating pieces', { v: [{ wildcard: '*/dir/dir/*' }] }, { v: '/x/dir/y/dir/dir/z' }, true],
  ['pieces must not overlap', { v: [{ wildcard: 'ab*ba' }] }, { v: 'aba' }, false],
  ['numbers never match', { v: [{ wildcard: '*' }] }, { v: 1 }, false],
]);

table('anything-but', [
  ['other string', { state: [{ 'anything-but': 'initializing' }] }, { state: 'running' }, true],
  ['the excluded string', { state: [{ 'anything-but': 'initializing' }] }, { state: 'initializing' }, false],
  ['matches null', { state: [{ 'anything-but': 'initializing' }] }, { state: null }, true],
  ['does not match a missing field', { state: [{ 'anything-but': 'initializing' }] }, { other: 1 }, false],
  ['string list', { state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { state: 'stopped' }, false],
  ['number', { x: [{ 'anything-but': 123 }] }, { x: 123.0 }, false],
  ['number list', { x: [{ 'anything-but': [100, 200] }] }, { x: 150 }, true],
  ['a number is not an excluded string', { x: [{ 'anything-but': ['5'] }] }, { x: 5 }, true],
  ['a string is not an excluded number', { x: [{ 'anything-but': [100] }] }, { x: '100' }, true],
  ['booleans are not excluded strings', { x: [{ 'anything-but': 'true' }] }, { x: true }, true],
  ['prefix', { s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 'initializing' }, false],
  ['prefix list', { s: [{ 'anything-but': { prefix: ['init', 'test'] } }] }, { s: 'running' }, true],
  ['prefix matches numbers', { s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 42 }, true],
  ['suffix', { f: [{ 'anything-but': { suffix: '.txt' } }] }, { f: 'a.txt' }, false],
  ['suffix list', { f: [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }] }, { f: 'a.png' }, true],
  [
    'ignore-case',
    { s: [{ 'anything-but': { 'equals-ignore-case': ['Stopped'] } }] },
    { s: 'STOPPED' },
    false,
  ],
  [
    'ignore-case other',
    { s: [{ 'anything-but': { 'equals-ignore-case': 'Stopped' } }] },
    { s: 'running' },
    true,
  ],
  ['wildcard', { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { p: '/usr/lib/x' }, false],
  [
    'empty wildcard matches any non-empty string',
    { p: [{ 'anything-but': { wildcard: '' } }] },
    { p: 'x' },
    true,
  ],
  [
    'empty wildcard excludes the empty string',
    { p: [{ 'anything-but': { wildcard: '' } }] },
    { p: '' },
    false,
  ],
  ['wildcard matches numbers', { p: [{ 'anything-but': { wildcard: '*' } }] }, { p: 7 }, true],
]);

table('numeric', [
  ['range inside', { c: [{ numeric: ['>', 0, '<=', 5] }] }, { c: 5 }, true],
  ['range open bottom', { c: [{ numeric: ['>', 0, '<=', 5] }] }, { c: 0 }, false],
  ['range above', { c: [{ numeric: ['>', 0, '<=', 5] }] }, { c: 5.000001 }, false],
  ['>= bound', { c: [{ numeric: ['>=', 10] }] }, { c: 10 }, true],
  ['< bound', { c: [{ numeric: ['<', 10] }] }, { c: 10 }, false],
  ['<= negative', { c: [{ numeric: ['<=', -1.5] }] }, { c: -2 }, true],
  ['= float', { x: [{ numeric: ['=', 301.8] }] }, { x: 301.8 }, true],
  ['= with exponent', { x: [{ numeric: ['=', 300] }] }, { x: 3e2 }, true],
  ['strings never match', { c: [{ numeric: ['>', 100] }] }, { c: '300' }, false],
  ['null never matches', { c: [{ numeric: ['>', 100] }] }, { c: null }, false],
  ['large doubles', { c: [{ numeric: ['>', 1e300] }] }, { c: 1e301 }, true],
  ['tiny differences', { c: [{ numeric: ['>', 0.1] }] }, { c: 0.1 + 1e-15 }, true],
]);

table('exists', [
  ['present', { s: [{ exists: true }] }, { s: 'x' }, true],
  ['null counts as present', { s: [{ exists: true }] }, { s: null }, true],
  ['an object is not a leaf', { s: [{ exists: true }] }, { s: { a: 1 } }, false],
  ['an empty array has no leaf', { s: [{ exists: true }] }, { s: [] }, false],
  ['absent', { s: [{ exists: false }] }, { t: 1 }, true],
  ['absent parent', { a: { b: [{ exists: false }] } }, { x: 1 }, true],
  ['object at the path counts as absent', { a: [{ exists: false }] }, { a: { b: 1 } }, true],
  ['present value fails exists:false', { s: [{ exists: false }] }, { s: '' }, false],
]);

table('cidr', [
  ['IPv4 in block', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }, true],
  ['IPv4 outside', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }, false],
  ['not an address', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.256' }, false],
  ['numbers never match', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 10 }, false],
  ['IPv6 /64', { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] }, { ip: '2001:db8:1234:1a00::dead:beef' }, true],
  ['IPv6 outside', { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] }, { ip: '2001:db8:1234:1a01::1' }, false],
  ['IPv4 never matches an IPv6 block', { ip: [{ cidr: '::/0' }] }, { ip: '10.0.0.1' }, false],
  ['IPv4-mapped tail', { ip: [{ cidr: '::ffff:10.0.0.0/120' }] }, { ip: '::ffff:10.0.0.7' }, true],
  // event-ruler keeps the written address as the low end: host bits are not cleared (documented decision).
  ['low end is the written address', { ip: [{ cidr: '10.0.0.5/24' }] }, { ip: '10.0.0.4' }, false],
]);
