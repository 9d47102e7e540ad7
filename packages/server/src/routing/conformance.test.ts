/**
 * Runs every AWS-recorded case of ../shared/conformance/eventbridge-patterns.jsonl (relative to the repo root)
 * as given: validation outcome and reason text, then the match outcome through the reference interpreter, the
 * compiled matcher on the parsed event, and the compiled matcher on the raw JSON text and bytes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSwitchyardError } from '@switchyard/protocol';
import { compilePattern } from './pattern-parser.ts';
import { referenceMatches } from './reference-interpreter.ts';
import { RuleMatcher } from './rule-matcher.ts';

interface Case {
  name: string;
  pattern: unknown;
  event: unknown;
  expect: 'match' | 'no-match' | 'invalid';
  error: string | null;
  pattern_raw: string | null;
  event_raw: string | null;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const file = `${repoRoot}../shared/conformance/eventbridge-patterns.jsonl`;

function loadCases(): Case[] {
  assert.ok(
    existsSync(file),
    `conformance file missing: expected ../shared/conformance/eventbridge-patterns.jsonl beside the repo root (${file})`,
  );
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Case);
}

const cases = loadCases();

describe('EventBridge conformance (AWS-recorded)', () => {
  it('has the documented number of cases', () => {
    assert.equal(cases.length, 155);
    assert.equal(cases.filter((c) => c.expect === 'invalid').length, 38);
  });

  for (const c of cases) {
    it(`${c.expect}: ${c.name}`, () => {
      const patternText = c.pattern_raw ?? JSON.stringify(c.pattern);
      const eventText = c.event_raw ?? JSON.stringify(c.event);
      if (c.expect === 'invalid') {
        assert.throws(
          () => compilePattern(patternText),
          (err: unknown) => {
            assert.ok(
              isSwitchyardError(err, 'SY_ERR_PATTERN_INVALID'),
              `expected SY_ERR_PATTERN_INVALID, got ${String(err)}`,
            );
            const expected = (c.error ?? '').split('Reason: ')[1];
            assert.equal(err.details.reason, expected);
            assert.equal(err.message, c.error);
            return true;
          },
        );
        return;
      }
      const compiled = compilePattern(patternText);
      const want = c.expect === 'match';
      const event = JSON.parse(eventText) as unknown;
      assert.equal(referenceMatches(compiled, event), want, 'reference interpreter');
      const matcher = new RuleMatcher();
      matcher.add('r', compiled);
      assert.deepEqual(matcher.match(event), want ? ['r'] : [], 'compiled matcher, parsed event');
      assert.deepEqual(matcher.matchJson(eventText), want ? ['r'] : [], 'compiled matcher, JSON text');
      assert.deepEqual(
        matcher.matchJson(Buffer.from(eventText)),
        want ? ['r'] : [],
        'compiled matcher, JSON bytes',
      );
    });
  }
});
