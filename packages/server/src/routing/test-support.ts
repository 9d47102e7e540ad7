/**
 * Helpers for the routing tests: decide one pattern against one event through every path we have (the
 * reference interpreter, the compiled matcher on the parsed event, and on its JSON text and bytes) and insist
 * they agree; and the seeded PRNG for the property tests.
 */
import assert from 'node:assert/strict';
import { compilePattern, type PatternOptions } from './pattern-parser.ts';
import { referenceMatches } from './reference-interpreter.ts';
import { RuleMatcher } from './rule-matcher.ts';

/** Matches through all paths, asserts they agree, and returns the common answer. */
export function decide(pattern: string | object, event: unknown, options: PatternOptions = {}): boolean {
  const compiled = compilePattern(pattern, options);
  const reference = referenceMatches(compiled, event);
  const matcher = new RuleMatcher(options);
  matcher.add('r', compiled);
  const text = JSON.stringify(event);
  assert.equal(
    matcher.match(event).length === 1,
    reference,
    `parsed matcher disagrees with reference for ${text}`,
  );
  assert.equal(
    matcher.matchJson(text).length === 1,
    reference,
    `JSON text matcher disagrees with reference for ${text}`,
  );
  assert.equal(
    matcher.matchJson(Buffer.from(text)).length === 1,
    reference,
    `bytes matcher disagrees for ${text}`,
  );
  return reference;
}

/** The AWS reason text a pattern is rejected with, or undefined when it is valid. */
export function rejection(pattern: string | object, options: PatternOptions = {}): string | undefined {
  try {
    compilePattern(pattern, options);
    return undefined;
  } catch (err) {
    return String((err as { details?: { reason?: unknown } }).details?.reason ?? err);
  }
}

export { prng } from '../testing/seeded-random.ts';
