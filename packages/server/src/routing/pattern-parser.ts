/**
 * Validates and compiles an event pattern (EventBridge) or a filter policy (SNS) into a CompiledPattern:
 * nesting becomes dotted paths, `$or` becomes branches, and every invalid input is rejected with AWS's reason text
 * inside the catalogue errors SY_ERR_PATTERN_INVALID / SY_ERR_FILTER_POLICY_INVALID.
 */
import { SwitchyardError, syError } from '@switchyard/protocol';
import {
  type DialectOperators,
  OPERATOR_NAMES,
  PatternSyntaxError,
  parseMatchValue,
} from './match-expression.ts';
import {
  type CompiledPattern,
  type FieldCondition,
  type PatternDialect,
  type PatternLimits,
  type ResolvedPatternLimits,
  resolvePatternLimits,
  type ValueTest,
} from './pattern-types.ts';

/** Options for compilePattern / validatePattern. */
export interface PatternOptions {
  /** Default `eventbridge`. */
  dialect?: PatternDialect;
  limits?: PatternLimits;
}

const EVENTBRIDGE: DialectOperators = {
  operators: OPERATOR_NAMES,
  anythingBut: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']),
  affixIgnoreCase: true,
};

// The SNS subset as recorded against AWS (reference §4.2): no wildcard, anything-but takes only prefix.
const SNS: DialectOperators = {
  operators: new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr']),
  anythingBut: new Set(['prefix']),
  affixIgnoreCase: false,
};

type Entry =
  | { readonly type: 'field'; readonly condition: FieldCondition }
  | { readonly type: 'or'; readonly alternatives: readonly (readonly Entry[])[] };

interface Context {
  readonly dialect: PatternDialect;
  readonly ops: DialectOperators;
  readonly limits: ResolvedPatternLimits;
}

const fail = (reason: string): never => {
  throw new PatternSyntaxError(reason);
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `$or` is an operator only when its value is a list of objects that are not match expressions. */
function isOrList(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.every((item) => isObject(item) && !Object.keys(item).some((key) => OPERATOR_NAMES.has(key)))
  );
}

function parseObject(
  object: Record<string, unknown>,
  prefix: readonly string[],
  ctx: Context,
  depth: number,
): Entry[] {
  const keys = Object.keys(object);
  if (keys.length === 0) fail('Empty objects are not allowed');
  if (ctx.dialect === 'sns-attributes' && depth > 1) {
    throw new SwitchyardError(
      'SY_ERR_FILTER_POLICY_INVALID',
      { reason: 'Filter policy scope MessageAttributes does not support nested filter policy' },
      {
        message:
          'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
      },
    );
  }
  const entries: Entry[] = [];
  for (const key of keys) {
    const value = object[key];
    if (key === '$or' && isOrList(value)) {
      if (value.length < 2) fail('There must have at least 2 Objects in $or relationship.');
      entries.push({ type: 'or', alternatives: value.map((alt) => parseObject(alt, prefix, ctx, depth)) });
      continue;
    }
    const steps = [...prefix, ...key.split('.')];
    if (isObject(value)) {
      entries.push(...parseObject(value, steps, ctx, depth + 1));
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail('Empty arrays are not allowed');
      const tests: ValueTest[] = value.map((item) =>
        parseMatchValue(item, ctx.ops, ctx.limits.maxWildcardComplexity),
      );
      entries.push({ type: 'field', condition: { path: steps.join('.'), steps, tests } });
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return entries;
}

/** Number of branches the entries expand to (EventBridge counting: `$or` alternatives add, groups multiply). */
function countBranches(entries: readonly Entry[], cap: number): number {
  let count = 1;
  for (const entry of entries) {
    if (entry.type !== 'or') continue;
    let sum = 0;
    for (const alt of entry.alternatives) sum += countBranches(alt, cap);
    count = Math.min(count * sum, cap + 1);
  }
  return count;
}

/** SNS combination count: values times nesting depth multiply, `$or` alternatives add (AWS docs, reference §4.2). */
function snsCombinations(entries: readonly Entry[], start: number, cap: number): number {
  let combos = start;
  for (const entry of entries) {
    if (entry.type === 'field') {
      combos = Math.min(combos * entry.condition.tests.length * entry.condition.steps.length, cap + 1);
    } else {
      let sum = 0;
      for (const alt of entry.alternatives) sum += snsCombinations(alt, combos, cap);
      combos = Math.min(sum, cap + 1);
    }
  }
  return combos;
}

/** Expands entries into branches in order; a later condition on the same path replaces an earlier one. */
function expand(
  entries: readonly Entry[],
  branches: Map<string, FieldCondition>[],
): Map<string, FieldCondition>[] {
  let current = branches;
  for (const entry of entries) {
    if (entry.type === 'field') {
      for (const branch of current) {
        branch.delete(entry.condition.path);
        branch.set(entry.condition.path, entry.condition);
      }
    } else {
      const next: Map<string, FieldCondition>[] = [];
      for (const alt of entry.alternatives)
        next.push(
          ...expand(
            alt,
            current.map((b) => new Map(b)),
          ),
        );
      current = next;
    }
  }
  return current;
}

function compileValue(
  value: unknown,
  source: string,
  dialect: PatternDialect,
  limits: ResolvedPatternLimits,
): CompiledPattern {
  if (source.length > limits.maxLength) {
    fail(`Pattern is ${source.length} characters long; the limit is ${limits.maxLength} (maxLength)`);
  }
  if (!isObject(value)) fail('Filter is not an object');
  const object = value as Record<string, unknown>;
  const ctx: Context = { dialect, ops: dialect === 'eventbridge' ? EVENTBRIDGE : SNS, limits };
  if (dialect !== 'eventbridge' && Object.keys(object).length > limits.maxKeys) {
    fail(`Filter policy can not have more than ${limits.maxKeys} keys`);
  }
  const entries = parseObject(object, [], ctx, 1);
  if (dialect === 'eventbridge') {
    const count = countBranches(entries, limits.maxCombinations);
    if (count > limits.maxCombinations) {
      fail(`Rule is too complex - the $or combinations exceed the limit of ${limits.maxCombinations}`);
    }
  } else if (snsCombinations(entries, 1, limits.maxCombinations) > limits.maxCombinations) {
    fail('Filter policy is too complex');
  }
  const branches = expand(entries, [new Map()]).map((branch) => [...branch.values()]);
  return { dialect, branches, source };
}

function toError(dialect: PatternDialect, reason: string): SwitchyardError {
  return syError(dialect === 'eventbridge' ? 'SY_ERR_PATTERN_INVALID' : 'SY_ERR_FILTER_POLICY_INVALID', {
    reason,
  });
}

/**
 * Validates and compiles a pattern given as JSON text or as a parsed object. Throws a SwitchyardError
 * (SY_ERR_PATTERN_INVALID, or SY_ERR_FILTER_POLICY_INVALID for the SNS dialects) whose `details.reason` is AWS's
 * reason text.
 */
export function compilePattern(pattern: string | object, options: PatternOptions = {}): CompiledPattern {
  const dialect = options.dialect ?? 'eventbridge';
  const limits = resolvePatternLimits(dialect, options.limits);
  let value: unknown = pattern;
  let source: string;
  if (typeof pattern === 'string') {
    source = pattern;
    try {
      value = JSON.parse(pattern);
    } catch (err) {
      if (pattern.length > limits.maxLength) value = undefined;
      else throw toError(dialect, (err as Error).message);
    }
  } else {
    source = JSON.stringify(pattern) ?? '';
  }
  try {
    return compileValue(value, source, dialect, limits);
  } catch (err) {
    if (err instanceof PatternSyntaxError) throw toError(dialect, err.message);
    throw err;
  }
}

/** The outcome of validatePattern. */
export type PatternValidation =
  | { ok: true; pattern: CompiledPattern }
  | { ok: false; reason: string; error: SwitchyardError };

/** Like compilePattern, but returns the reason instead of throwing. */
export function validatePattern(pattern: string | object, options: PatternOptions = {}): PatternValidation {
  try {
    return { ok: true, pattern: compilePattern(pattern, options) };
  } catch (err) {
    if (err instanceof SwitchyardError) return { ok: false, reason: String(err.details.reason), error: err };
    throw err;
  }
}
