/**
 * The meaning of each ValueTest on one leaf value of an event. This is the single definition of operator
 * semantics: the reference interpreter uses it directly, and the compiled matcher uses it for the tests it does
 * not index (and is checked against it by the property tests).
 */
import { cidrContains } from './cidr.ts';
import type { ValueTest } from './pattern-types.ts';
import { wildcardMatches } from './wildcard.ts';

/** A leaf value of an event: what is left after objects and arrays are walked. */
export type Leaf = string | number | boolean | null;

const FOLD = new Uint16Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const lower = String.fromCharCode(c).toLowerCase();
  // Folding is per UTF-16 unit; a unit whose lower case is longer (U+0130) folds to itself.
  FOLD[c] = lower.length === 1 ? lower.charCodeAt(0) : c;
}

/** Case-folds one UTF-16 code unit (the unit of equals-ignore-case comparisons). */
export function foldCode(c: number): number {
  return FOLD[c] as number;
}

/** Case-folds a string unit by unit. */
export function foldString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(FOLD[s.charCodeAt(i)] as number);
  return out;
}

function startsWithFolded(s: string, foldedPrefix: string): boolean {
  if (s.length < foldedPrefix.length) return false;
  for (let i = 0; i < foldedPrefix.length; i++) {
    if (FOLD[s.charCodeAt(i)] !== FOLD[foldedPrefix.charCodeAt(i)]) return false;
  }
  return true;
}

function endsWithFolded(s: string, foldedSuffix: string): boolean {
  const offset = s.length - foldedSuffix.length;
  if (offset < 0) return false;
  for (let i = 0; i < foldedSuffix.length; i++) {
    if (FOLD[s.charCodeAt(offset + i)] !== FOLD[foldedSuffix.charCodeAt(i)]) return false;
  }
  return true;
}

/** True when the range test accepts `x`. */
export function inRange(
  test: { low: number; lowOpen: boolean; high: number; highOpen: boolean },
  x: number,
): boolean {
  return (test.lowOpen ? x > test.low : x >= test.low) && (test.highOpen ? x < test.high : x <= test.high);
}

/** True when `leaf` passes `test`. `exists` is decided per field, not per leaf, and returns its value here. */
export function leafPasses(test: ValueTest, leaf: Leaf): boolean {
  switch (test.kind) {
    case 'exact-string':
      return leaf === test.value;
    case 'exact-number':
      return typeof leaf === 'number' && leaf === test.value;
    case 'exact-literal':
      return leaf === test.value;
    case 'prefix':
      if (typeof leaf !== 'string') return false;
      return test.ignoreCase ? startsWithFolded(leaf, test.value) : leaf.startsWith(test.value);
    case 'suffix':
      if (typeof leaf !== 'string') return false;
      return test.ignoreCase ? endsWithFolded(leaf, test.value) : leaf.endsWith(test.value);
    case 'equals-ignore-case':
      return (
        typeof leaf === 'string' && leaf.length === test.value.length && startsWithFolded(leaf, test.value)
      );
    case 'wildcard':
      return typeof leaf === 'string' && wildcardMatches(test.program, leaf);
    case 'numeric':
      return typeof leaf === 'number' && inRange(test, leaf);
    case 'cidr':
      return typeof leaf === 'string' && cidrContains(test.range, leaf);
    case 'exists':
      return test.value;
    case 'anything-but':
      if (typeof leaf === 'string') return !test.strings.includes(leaf);
      if (typeof leaf === 'number') return !test.numbers.includes(leaf);
      return true;
    case 'anything-but-ignore-case':
      return (
        typeof leaf !== 'string' ||
        !test.values.some((v) => v.length === leaf.length && startsWithFolded(leaf, v))
      );
    case 'anything-but-prefix':
      return typeof leaf !== 'string' || !test.values.some((v) => leaf.startsWith(v));
    case 'anything-but-suffix':
      return typeof leaf !== 'string' || !test.values.some((v) => leaf.endsWith(v));
    case 'anything-but-wildcard':
      return typeof leaf !== 'string' || !test.programs.some((p) => wildcardMatches(p, leaf));
  }
}
