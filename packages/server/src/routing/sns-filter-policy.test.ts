/**
 * SNS filter policies: the operator subset, the limits and messages, attribute typing (String, Number,
 * String.Array, Binary) and the MessageBody scope.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { RuleMatcher } from './rule-matcher.ts';
import {
  compileFilterPolicy,
  type MessageAttributeValue,
  matchesFilterPolicy,
  messageAttributesToEvent,
} from './sns-filter-policy.ts';

function reason(policy: object, scope = 'MessageAttributes'): string | undefined {
  try {
    compileFilterPolicy(policy, scope);
    return undefined;
  } catch (err) {
    assert.ok(isSwitchyardError(err, 'SY_ERR_FILTER_POLICY_INVALID'), String(err));
    return String(err.details.reason);
  }
}

const str = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });
const num = (v: string): MessageAttributeValue => ({ DataType: 'Number', StringValue: v });
const arr = (v: unknown[]): MessageAttributeValue => ({
  DataType: 'String.Array',
  StringValue: JSON.stringify(v),
});

function attrs(policy: object, attributes: Record<string, MessageAttributeValue>): boolean {
  const compiled = compileFilterPolicy(policy);
  const single = matchesFilterPolicy(compiled, { attributes });
  const matcher = new RuleMatcher();
  matcher.add('s', compiled);
  assert.equal(
    matcher.match(messageAttributesToEvent(attributes)).length === 1,
    single,
    'RuleMatcher agrees',
  );
  return single;
}

describe('SNS filter policy validation', () => {
  it('allows at most 5 top-level keys', () => {
    const six = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, ['x']]));
    assert.equal(reason(six), 'Filter policy can not have more than 5 keys');
    assert.equal(reason({ a: ['x'], b: ['x'], c: ['x'], d: ['x'], e: ['x'] }), undefined);
  });

  it('limits combinations to 150 (values times nesting depth, $or adds)', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    assert.equal(reason({ a: values(10), b: values(15) }), undefined);
    assert.equal(reason({ a: values(10), b: values(16) }), 'Filter policy is too complex');
    // AWS's documented example: 4 values at depth 3 and 3 values at depth 2 give 3 x 4 x 2 x 3 = 72.
    const nested = { key_a: { key_b: { key_c: values(4) } }, key_d: { key_e: values(3) } };
    assert.equal(reason(nested, 'MessageBody'), undefined);
  });

  it('refuses nesting in the MessageAttributes scope', () => {
    assert.throws(
      () => compileFilterPolicy({ a: { b: ['x'] } }),
      (err: unknown) =>
        isSwitchyardError(err, 'SY_ERR_FILTER_POLICY_INVALID') &&
        err.message ===
          'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    );
    assert.equal(reason({ a: { b: ['x'] } }, 'MessageBody'), undefined);
  });

  it('accepts only the SNS operator subset', () => {
    assert.equal(reason({ a: [{ wildcard: 'x*' }] }), 'Unrecognized match type wildcard');
    assert.equal(
      reason({ a: [{ 'anything-but': { suffix: 'x' } }] }),
      'Unsupported anything-but pattern: suffix',
    );
    assert.equal(
      reason({ a: [{ 'anything-but': { exists: true } }] }),
      'Unsupported anything-but pattern: exists',
    );
    assert.equal(reason({ a: [{ prefix: 'x', suffix: 'y' }] }), 'Only one key allowed in match expression');
    assert.equal(
      reason({ a: [{ prefix: { 'equals-ignore-case': 'x' } }] }),
      'prefix match pattern must be a string',
    );
    assert.equal(reason({ a: [{ 'anything-but': { prefix: 'x' } }] }), undefined);
    assert.equal(reason({ a: [{ numeric: ['>', 5, '<', 1] }] }), 'Bottom must be less than top');
    assert.equal(reason({ a: 'x' }), '"a" must be an object or an array');
    assert.equal(reason({ a: [] }), 'Empty arrays are not allowed');
  });

  it('formats the message as SNS does and checks the scope', () => {
    assert.throws(
      () => compileFilterPolicy({ a: [{ nope: 1 }] }),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.message === 'Invalid parameter: FilterPolicy: Unrecognized match type nope',
    );
    assert.throws(
      () => compileFilterPolicy({ a: ['x'] }, 'Everything'),
      (err: unknown) =>
        isSwitchyardError(err, 'SY_ERR_FILTER_POLICY_INVALID') &&
        err.message ===
          'Invalid parameter: FilterPolicyScope: Invalid value [Everything]. Please use either MessageBody or MessageAttributes',
    );
  });
});

describe('SNS MessageAttributes matching', () => {
  it('matches String attributes exactly, by prefix, suffix and ignoring case', () => {
    assert.equal(attrs({ store: ['example_corp'] }, { store: str('example_corp') }), true);
    assert.equal(attrs({ store: ['example_corp'] }, { store: str('other') }), false);
    assert.equal(attrs({ event: [{ prefix: 'order-' }] }, { event: str('order-placed') }), true);
    assert.equal(attrs({ event: [{ suffix: '-placed' }] }, { event: str('order-placed') }), true);
    assert.equal(attrs({ event: [{ 'equals-ignore-case': 'ORDER' }] }, { event: str('order') }), true);
  });

  it('compares Number attributes numerically', () => {
    assert.equal(attrs({ price: [{ numeric: ['>=', 100, '<', 200] }] }, { price: num('150.5') }), true);
    assert.equal(attrs({ price: [100] }, { price: num('100.0') }), true);
    assert.equal(attrs({ price: [{ numeric: ['>', 100] }] }, { price: str('150') }), false);
  });

  it('matches String.Array attributes element by element', () => {
    assert.equal(attrs({ tags: ['b'] }, { tags: arr(['a', 'b']) }), true);
    assert.equal(attrs({ tags: ['c'] }, { tags: arr(['a', 'b']) }), false);
    assert.equal(attrs({ tags: [{ 'anything-but': 'a' }] }, { tags: arr(['a', 'b']) }), true);
  });

  it('ignores Binary attributes', () => {
    const binary: MessageAttributeValue = { DataType: 'Binary', BinaryValue: Buffer.from('x') };
    assert.equal(attrs({ blob: [{ exists: true }] }, { blob: binary }), false);
    assert.equal(attrs({ blob: [{ exists: false }] }, { blob: binary }), true);
  });

  it('supports exists, anything-but, cidr and $or', () => {
    assert.equal(attrs({ a: [{ exists: true }] }, { a: str('') }), true);
    assert.equal(attrs({ a: [{ exists: false }] }, { b: str('') }), true);
    assert.equal(attrs({ a: [{ 'anything-but': ['x', 'y'] }] }, { a: str('z') }), true);
    assert.equal(attrs({ a: [{ 'anything-but': { prefix: 'x' } }] }, { a: str('xy') }), false);
    assert.equal(attrs({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: str('10.1.2.3') }), true);
    assert.equal(attrs({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: str('2') }), true);
  });

  it('reads the envelope shape (Type/Value) too', () => {
    const attributes = { kind: { Type: 'String', Value: 'x' } };
    assert.equal(matchesFilterPolicy(compileFilterPolicy({ kind: ['x'] }), { attributes }), true);
  });
});

describe('SNS MessageBody matching', () => {
  const policy = compileFilterPolicy(
    { order: { total: [{ numeric: ['>', 10] }], 'customer.tier': ['gold'] } },
    'MessageBody',
  );

  it('matches nested and dotted keys of the JSON body', () => {
    const body = JSON.stringify({ order: { total: 20, customer: { tier: 'gold' } } });
    assert.equal(matchesFilterPolicy(policy, { body }), true);
    const matcher = new RuleMatcher();
    matcher.add('s', policy);
    assert.deepEqual(matcher.matchJson(body), ['s']);
  });

  it('does not match a body that is not a JSON object', () => {
    assert.equal(matchesFilterPolicy(policy, { body: 'plain text' }), false);
    assert.equal(matchesFilterPolicy(policy, { body: '[1,2]' }), false);
    const absent = compileFilterPolicy({ a: [{ exists: false }] }, 'MessageBody');
    assert.equal(matchesFilterPolicy(absent, { body: '"string"' }), false);
    assert.equal(matchesFilterPolicy(absent, { body: '{}' }), true);
  });
});
