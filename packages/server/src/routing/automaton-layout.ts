/**
 * The word layout of the rule automaton in its typed arrays: a state is a row, a transition a record in its
 * state's list, and the common value tests are encoded inline in the record. The automaton (automaton.ts) writes
 * this layout and the walk (automaton-walk.ts) reads it; both name the words through these constants.
 */
import type { ValueTest } from './pattern-types.ts';
import type { Leaf } from './value-tests.ts';

// A state is a row of S_WIDTH words in the node arena: its transitions list and its further rules list (each an
// arena slot of offset, length, capacity class), the dedupe mark used while matching, and its first rule.
/** The state's transitions list slot (offset, length, capacity class) in the node arena. */
export const S_TRANS = 0;
/** The slot of the state's rules after the first, in the rule-list arena. */
export const S_RULES = 3;
/** The mark that deduplicates next states while matching. */
export const S_MARK = 6;
/** The number of the first rule whose branch ends here (-1 for none); further ones are in the rules list. */
export const S_RULE1 = 7;
/** Words per state row. */
export const S_WIDTH = 8;
/** The state every chain starts from. */
export const ROOT = 0;

// A transition is a record of T_WIDTH words in its state's list.
/** fieldId << 3 | HAS_TESTS | HAS_ABSENT | SIBLING. */
export const T_FIELD = 0;
/** The transition's key: its id in the exact-value table and the side tables. */
export const T_KEY = 1;
/** NO_EXACT, MANY_EXACT, or the id of the transition's one exact value. */
export const T_VALUE = 2;
/** The one exact value's target when it has one, else -1. */
export const T_TARGET = 3;
/**
 * When the transition's only test besides exact values is one of the common kinds, it is kept inline: its kind
 * (ONE_*, with flags), its target and two words of operands. Otherwise NO_TEST, and a FieldMatcher holds them.
 */
export const T_ONE = 4;
/** The inline test's target. */
export const T_ONE_TARGET = 5;
/** The inline test's first operand word. */
export const T_ONE_A = 6;
/** The inline test's second operand word. */
export const T_ONE_B = 7;
/** Words per transition record. */
export const T_WIDTH = 8;

/** The transition has tests besides exact values that are not inline, in a FieldMatcher. */
export const HAS_TESTS = 1;
/** Its FieldMatcher has `exists: false` targets. */
export const HAS_ABSENT = 2;
/**
 * A further record of the same transition: a transition with a few exact values or a few tests of the kinds kept
 * inline spreads them over records side by side, one of each per record, instead of a hash probe or a FieldMatcher.
 */
export const SIBLING = 4;
/** Where the field id sits in T_FIELD, above the flags. */
export const FIELD_SHIFT = 3;
/** Most exact values, and most inline tests, a transition spreads over its records. */
export const MAX_SPREAD = 4;

/** No inline test in this record. */
export const NO_TEST = 0;
/** `exists: true`: every leaf passes. */
export const ONE_EXISTS = 1;
/** `exists: false`: taken when the field has no leaf. */
export const ONE_ABSENT = 2;
/**
 * A numeric range: bounds that are 32-bit integers or infinite in the operand words (INT_BOUNDS), others at the
 * operand slot (T_ONE_A) of `#bounds`; openness in the flags below.
 */
export const ONE_RANGE = 3;
/**
 * A case-sensitive prefix, kept at its operand slot of `#texts`; its length in the high half of T_ONE and a
 * fingerprint of it in T_ONE_B, so that most strings are turned away without reading the (cold) prefix.
 */
export const ONE_PREFIX = 4;
/** anything-but of one or two strings: their value ids in the operand words (NO_ID when unused). */
export const ONE_EXCEPT = 5;
/** A wildcard, its program at its operand slot of `#programs`; its literal head fingerprinted as a prefix's. */
export const ONE_WILDCARD = 6;
/** The bits of T_ONE that hold the kind. */
export const KIND_MASK = 15;
/** Range flags: the low bound is excluded. */
export const LOW_OPEN = 16;
/** Range flags: the high bound is excluded. */
export const HIGH_OPEN = 32;
/** Range flags: the bounds are in the operand words. */
export const INT_BOUNDS = 64;
/** Range flags: there is no low bound. */
export const NO_LOW = 128;
/** Range flags: there is no high bound. */
export const NO_HIGH = 256;
/** Where a prefix's length sits in T_ONE; longer prefixes are fingerprinted by their first MAX_PRINTED units. */
export const LENGTH_SHIFT = 16;
/** The longest head a fingerprint covers. */
export const MAX_PRINTED = 0x7fff;
/** An operand word that no value id equals. */
export const NO_ID = -3;
/** T_VALUE: the record has no exact value. */
export const NO_EXACT = -1;
/** T_VALUE: the transition's exact values are in the exact-value table. */
export const MANY_EXACT = -2;
/** In the exact-value table: the value has several targets, listed in the transition's exact map. */
export const SEVERAL = -2;

/** The exact value a test compares with, or undefined for tests that are not one exact value. */
export function exactValue(test: ValueTest): { value: Leaf } | undefined {
  switch (test.kind) {
    case 'exact-string':
    case 'exact-number':
    case 'exact-literal':
      return { value: test.value };
    case 'numeric':
      return test.low === test.high ? { value: test.low === 0 ? 0 : test.low } : undefined;
    case 'wildcard':
      return test.program.pieces.length === 1 ? { value: test.program.pieces[0] as string } : undefined;
    default:
      return undefined;
  }
}

/** FNV-1a over the first `n` UTF-16 units of a string, as a 32-bit integer. */
export function fingerprint(s: string, n: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** True for a number a 32-bit integer word holds exactly. */
export function isInt32(x: number): boolean {
  return (x | 0) === x;
}

/** The inline kind (ONE_*) a lone test is kept as, or NO_TEST when it needs a FieldMatcher. */
export function inlineKind(test: ValueTest): number {
  switch (test.kind) {
    case 'exists':
      return test.value ? ONE_EXISTS : ONE_ABSENT;
    case 'numeric':
      return ONE_RANGE;
    case 'prefix':
      return test.ignoreCase ? NO_TEST : ONE_PREFIX;
    case 'wildcard':
      return ONE_WILDCARD;
    case 'anything-but':
      return test.numbers.length === 0 && test.strings.length <= 2 ? ONE_EXCEPT : NO_TEST;
    default:
      return NO_TEST;
  }
}
