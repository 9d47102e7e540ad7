/**
 * The compiled form of an event pattern: a disjunction of branches (one per `$or` combination), each a
 * conjunction of field conditions, each an OR-list of value tests. Both dialects (EventBridge patterns and
 * SNS filter policies) compile to this one shape; the matchers know nothing else.
 */
import type { CidrRange } from './cidr.ts';
import type { WildcardProgram } from './wildcard.ts';

/** One test on one leaf value of the event (a string, number, boolean or null). */
export type ValueTest =
  | { readonly kind: 'exact-string'; readonly value: string }
  | { readonly kind: 'exact-number'; readonly value: number }
  | { readonly kind: 'exact-literal'; readonly value: boolean | null }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly value: string; readonly program: WildcardProgram }
  | {
      readonly kind: 'numeric';
      readonly low: number;
      readonly lowOpen: boolean;
      readonly high: number;
      readonly highOpen: boolean;
    }
  | { readonly kind: 'cidr'; readonly value: string; readonly range: CidrRange }
  | { readonly kind: 'exists'; readonly value: boolean }
  | {
      readonly kind: 'anything-but';
      readonly strings: readonly string[];
      readonly numbers: readonly number[];
    }
  | { readonly kind: 'anything-but-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
  | {
      readonly kind: 'anything-but-wildcard';
      readonly values: readonly string[];
      readonly programs: readonly WildcardProgram[];
    };

/** The kind of a value test. */
export type ValueTestKind = ValueTest['kind'];

/** A field condition: the leaf at `path` must pass at least one of `tests`. */
export interface FieldCondition {
  /** The field path with nested keys joined by `.` (as event-ruler does; see docs/patterns.md). */
  readonly path: string;
  /** `path` split on `.`: the steps the event is walked by. */
  readonly steps: readonly string[];
  readonly tests: readonly ValueTest[];
}

/** A validated, compiled pattern. */
export interface CompiledPattern {
  readonly dialect: PatternDialect;
  /** `$or`-expanded branches; the pattern matches when any branch has all its conditions met. */
  readonly branches: readonly (readonly FieldCondition[])[];
  /** The pattern as JSON text (normalized when the input was an object). */
  readonly source: string;
}

/** Which language a pattern is written in. */
export type PatternDialect = 'eventbridge' | 'sns-attributes' | 'sns-body';

/** Limits applied when validating a pattern; every field is optional, defaults per dialect. */
export interface PatternLimits {
  /** Longest pattern text, in characters (EventBridge default 2048; SNS default 262144, i.e. 256 KiB). */
  maxLength?: number;
  /** Most `$or` combinations (EventBridge default 1000) or SNS combination count (default 150). */
  maxCombinations?: number;
  /** Most top-level keys (SNS only; default 5). */
  maxKeys?: number;
  /** Highest wildcard complexity accepted (see wildcard.ts; default 10). */
  maxWildcardComplexity?: number;
}

/** Limits with every field filled in. */
export type ResolvedPatternLimits = Required<PatternLimits>;

/** Fills in the defaults of a dialect and checks the given limits are positive integers. */
export function resolvePatternLimits(
  dialect: PatternDialect,
  limits: PatternLimits = {},
): ResolvedPatternLimits {
  const sns = dialect !== 'eventbridge';
  const resolved: ResolvedPatternLimits = {
    maxLength: limits.maxLength ?? (sns ? 256 * 1024 : 2048),
    maxCombinations: limits.maxCombinations ?? (sns ? 150 : 1000),
    maxKeys: limits.maxKeys ?? (sns ? 5 : Number.MAX_SAFE_INTEGER),
    maxWildcardComplexity: limits.maxWildcardComplexity ?? 10,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`Pattern limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return resolved;
}
