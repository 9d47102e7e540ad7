/**
 * Seeded property and fuzz tests (deterministic, bounded to a few seconds): random patterns and events never
 * crash the parser or the matcher, and the compiled RuleMatcher (on parsed events and on raw JSON) agrees with
 * the reference interpreter on every event, also after rules are removed and added. Another seed:
 * SWITCHYARD_TEST_SEED=<integer> (the default is fixed, so CI runs are reproducible).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SwitchyardError } from '@switchyard/protocol';
import { compilePattern, validatePattern } from './pattern-parser.ts';
import type { CompiledPattern } from './pattern-types.ts';
import { referenceMatches } from './reference-interpreter.ts';
import { RuleMatcher } from './rule-matcher.ts';
import { prng } from './test-support.ts';

const SEED = Number(process.env.SWITCHYARD_TEST_SEED ?? 0x5eed2026);

function generators(seed: number) {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const chance = (p: number) => rand() < p;
  const keys = ['a', 'b', 'c', 'd.e', 'd'];
  const strings = ['', 'x', 'X', 'xy', 'yx', 'abc', 'ABC', 'a*b', 'é', 'É', '10.0.0.1', '10.0.1.5', '::1'];
  const numbers = [0, -1, 1, 1.5, 100, 300, -0.5, 1e21];
  const affixes = ['', 'x', 'a', 'AB', 'y', 'é'];
  const wildcards = ['*', 'x*', '*y', 'a*c', '', 'a\\*b', '*b*', 'x*y*'];

  const primitive = (): unknown =>
    chance(0.55) ? pick(strings) : chance(0.6) ? pick(numbers) : pick([true, false, null]);

  const matchValue = (): unknown => {
    switch (Math.floor(rand() * 14)) {
      case 0:
      case 1:
      case 2:
        return primitive();
      case 3:
        return { prefix: chance(0.7) ? pick(affixes) : { 'equals-ignore-case': pick(affixes) } };
      case 4:
        return { suffix: chance(0.7) ? pick(affixes) : { 'equals-ignore-case': pick(affixes) } };
      case 5:
        return { 'equals-ignore-case': pick(strings) };
      case 6:
        return { wildcard: pick(wildcards) };
      case 7:
        return {
          'anything-but': chance(0.5)
            ? pick(strings)
            : chance(0.5)
              ? [pick(strings), pick(strings)]
              : [pick(numbers)],
        };
      case 8: {
        const op = pick(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);
        const value = () =>
          op === 'prefix' || op === 'suffix'
            ? pick(affixes.slice(1))
            : op === 'wildcard'
              ? pick(wildcards)
              : pick(strings);
        return { 'anything-but': { [op]: chance(0.5) ? value() : [value(), value()] } };
      }
      case 9: {
        const x = pick(numbers);
        return pick([
          { numeric: ['>', x] },
          { numeric: ['<=', x] },
          { numeric: ['=', x] },
          { numeric: ['>=', x - 1, '<', x + 1] },
        ]);
      }
      case 10:
      case 11:
        return { exists: chance(0.5) };
      case 12:
        return { cidr: pick(['10.0.0.0/24', '10.0.0.0/8', '::/0']) };
      default:
        return pick(numbers);
    }
  };

  const pattern = (depth = 0): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      if (depth < 2 && chance(0.1)) {
        out.$or = [pattern(depth + 1), pattern(depth + 1)];
      } else if (depth < 2 && chance(0.25)) {
        out[pick(keys)] = pattern(depth + 1);
      } else {
        out[pick(keys)] = Array.from({ length: 1 + Math.floor(rand() * 3) }, matchValue);
      }
    }
    return out;
  };

  const value = (depth: number): unknown => {
    if (depth >= 3 || chance(0.5)) return primitive();
    if (chance(0.4)) return event(depth + 1);
    // Arrays of objects often, so that array consistency is exercised.
    return Array.from({ length: Math.floor(rand() * 4) }, () =>
      chance(0.35) ? primitive() : chance(0.8) ? event(depth + 1) : value(depth + 1),
    );
  };

  const event = (depth = 0): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const n = Math.floor(rand() * 5);
    for (let i = 0; i < n; i++) out[pick([...keys, 'a', 'b', 'e', 'a.b'])] = value(depth);
    return out;
  };

  const anyJson = (depth = 0): unknown => {
    if (depth > 3 || chance(0.4))
      return pick([...strings, ...numbers, true, false, null, 'numeric', 'prefix', '>', '<=']);
    if (chance(0.5)) return Array.from({ length: Math.floor(rand() * 4) }, () => anyJson(depth + 1));
    const out: Record<string, unknown> = {};
    for (let i = Math.floor(rand() * 3); i > 0; i--) {
      out[
        pick([
          ...keys,
          '$or',
          'prefix',
          'suffix',
          'anything-but',
          'numeric',
          'exists',
          'cidr',
          'wildcard',
          'equals-ignore-case',
        ])
      ] = anyJson(depth + 1);
    }
    return out;
  };

  return { rand, pattern, event, anyJson };
}

function expectedIds(rules: Map<string, CompiledPattern>, event: unknown): string[] {
  return [...rules]
    .filter(([, p]) => referenceMatches(p, event))
    .map(([id]) => id)
    .sort();
}

describe('compiled matcher agrees with the reference interpreter (seeded)', () => {
  it('on random rules and events, parsed and raw, across removals and additions', () => {
    const g = generators(SEED);
    const matcher = new RuleMatcher();
    const rules = new Map<string, CompiledPattern>();
    let next = 0;
    const addRandom = (count: number) => {
      while (count > 0) {
        const result = validatePattern(g.pattern());
        if (!result.ok) continue;
        const id = `r${next++}`;
        matcher.add(id, result.pattern);
        rules.set(id, result.pattern);
        count--;
      }
    };
    let checked = 0;
    let matched = 0;
    const check = (events: number) => {
      for (let i = 0; i < events; i++) {
        const event = g.event();
        const want = expectedIds(rules, event);
        const text = JSON.stringify(event);
        assert.deepEqual([...matcher.match(event)].sort(), want, `parsed: ${text}`);
        assert.deepEqual([...matcher.matchJson(text)].sort(), want, `raw: ${text}`);
        checked++;
        matched += want.length;
      }
    };
    addRandom(150);
    check(300);
    for (const id of [...rules.keys()]) {
      if (g.rand() < 0.5) {
        matcher.remove(id);
        rules.delete(id);
      }
    }
    check(150);
    addRandom(100);
    check(300);
    assert.equal(matcher.size, rules.size);
    // The property is only meaningful if the generator produces both outcomes often.
    assert.ok(matched > checked, `too few matches to be meaningful: ${matched} over ${checked} events`);
  });

  it('removing every rule leaves an empty matcher that matches nothing', () => {
    const g = generators(SEED + 1);
    const matcher = new RuleMatcher();
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const result = validatePattern(g.pattern());
      if (!result.ok) continue;
      matcher.add(`r${i}`, result.pattern);
      ids.push(`r${i}`);
    }
    for (const id of ids) assert.equal(matcher.remove(id), true);
    assert.equal(matcher.size, 0);
    for (let i = 0; i < 100; i++) assert.deepEqual(matcher.match(g.event()), []);
  });
});

describe('fuzz: nothing crashes (seeded)', () => {
  it('the parser accepts or rejects any JSON value with a catalogue error', () => {
    const g = generators(SEED + 2);
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const value = g.anyJson();
      try {
        compilePattern(value as object);
      } catch (err) {
        assert.ok(err instanceof SwitchyardError, `unexpected ${String(err)} for ${JSON.stringify(value)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 100);
  });

  it('the parser rejects malformed text with a catalogue error', () => {
    const g = generators(SEED + 3);
    for (let i = 0; i < 1000; i++) {
      const text = JSON.stringify(g.pattern());
      const cut = text.slice(0, Math.floor(g.rand() * text.length));
      const mutated = cut + text.slice(cut.length + 1);
      try {
        compilePattern(mutated);
      } catch (err) {
        assert.ok(err instanceof SwitchyardError, `unexpected ${String(err)} for ${mutated}`);
      }
    }
  });

  it('raw matching of damaged JSON returns or throws SyntaxError, never anything else', () => {
    const g = generators(SEED + 4);
    const matcher = new RuleMatcher();
    for (let i = 0; i < 50; i++) {
      const result = validatePattern(g.pattern());
      if (result.ok) matcher.add(`r${i}`, result.pattern);
    }
    for (let i = 0; i < 2000; i++) {
      const text = JSON.stringify(g.event());
      const at = Math.floor(g.rand() * text.length);
      const damaged =
        g.rand() < 0.5 ? text.slice(0, at) : text.slice(0, at) + '"{[,:]}'[i % 7] + text.slice(at);
      try {
        const out = matcher.matchJson(Buffer.from(damaged));
        assert.ok(Array.isArray(out));
      } catch (err) {
        assert.ok(err instanceof SyntaxError, `unexpected ${String(err)} for ${damaged}`);
      }
    }
  });
});
