import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileWildcard,
  parseWildcard,
  WildcardSyntaxError,
  wildcardComplexity,
  wildcardMatches,
} from './wildcard.ts';

describe('wildcard', () => {
  it('splits on unescaped stars', () => {
    assert.deepEqual(parseWildcard('a*b\\*c\\\\d*').pieces, ['a', 'b*c\\d', '']);
    assert.deepEqual(parseWildcard('').pieces, ['']);
  });

  it('matches with stars standing for any run of characters', () => {
    const m = (w: string, v: string) => wildcardMatches(parseWildcard(w), v);
    assert.equal(m('*', ''), true);
    assert.equal(m('a*', 'a'), true);
    assert.equal(m('*a', 'ba'), true);
    assert.equal(m('a*a', 'a'), false);
    assert.equal(m('a*b*c', 'aXbYbZc'), true);
    assert.equal(m('a*b*c', 'acb'), false);
    assert.equal(m('ab', 'ab'), true);
    assert.equal(m('ab', 'abc'), false);
  });

  it('measures complexity as the most partial matches alive at once', () => {
    const c = (w: string) => wildcardComplexity(parseWildcard(w));
    assert.equal(c('abc'), 1);
    assert.ok(c('*:*:*:*:*:event-bus/*') > 10);
    assert.ok(c('arn:aws:events:us-east-1:*:event-bus/*') <= 10);
    assert.ok(c('/Users/*/dir/dir/dir/dir/dir/doc.txt') <= 10);
    assert.ok(c('*a*a*a*a') > c('*a*a'));
  });

  it('rejects with the AWS reasons', () => {
    assert.throws(
      () => compileWildcard('a**', 10),
      (e) => e instanceof WildcardSyntaxError && e.message === 'Consecutive wildcard characters at pos 2',
    );
    assert.throws(() => compileWildcard('\\x', 10), /Invalid escape character at pos 1/);
    assert.throws(() => compileWildcard('*:*:*:*:*:event-bus/*', 10), /^Error: Rule is too complex/);
  });
});
