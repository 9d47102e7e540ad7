/**
 * Parses one entry of a field's value list (`"x"`, `5`, `null`, `{"prefix": "a"}` …) into a ValueTest, with
 * AWS's reason texts. Which operators are accepted is data (DialectOperators), so the SNS subset is a table.
 */
import { CidrSyntaxError, parseCidr } from './cidr.ts';
import type { ValueTest } from './pattern-types.ts';
import { compileWildcard, WildcardSyntaxError } from './wildcard.ts';

/** Thrown with the AWS reason text (the part after "Reason: ") when a pattern is invalid. */
export class PatternSyntaxError extends Error {}

/** The operators a dialect accepts. */
export interface DialectOperators {
  /** Top-level operator names (`prefix`, `numeric`, …). */
  readonly operators: ReadonlySet<string>;
  /** Operators allowed inside an `anything-but` object. */
  readonly anythingBut: ReadonlySet<string>;
  /** Whether `prefix`/`suffix` accept `{"equals-ignore-case": …}`. */
  readonly affixIgnoreCase: boolean;
}

/** Every operator name; inside `$or` these keys mark an object as a match expression, not a field. */
export const OPERATOR_NAMES: ReadonlySet<string> = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'wildcard',
]);

const fail = (reason: string): never => {
  throw new PatternSyntaxError(reason);
};

/** JSON text of a value for messages that quote it (numbers as written by JSON.stringify). */
function tokenText(value: unknown): string {
  if (value === undefined) return ']';
  if (Array.isArray(value)) return '[';
  if (value !== null && typeof value === 'object') return '{';
  return typeof value === 'string' ? value : String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function onlyKey(entries: [string, unknown][], message = 'Only one key allowed in match expression'): void {
  if (entries.length > 1) fail(message);
}

/** Parses one list entry into a test. `maxWildcardComplexity` bounds wildcard values. */
export function parseMatchValue(
  value: unknown,
  ops: DialectOperators,
  maxWildcardComplexity: number,
): ValueTest {
  if (typeof value === 'string') return { kind: 'exact-string', value };
  if (typeof value === 'number') return { kind: 'exact-number', value: value === 0 ? 0 : value };
  if (value === null || typeof value === 'boolean') return { kind: 'exact-literal', value };
  if (!isObject(value)) return fail('Match value must be String, number, true, false, or null');
  const entries = Object.entries(value);
  const first = entries[0];
  if (first === undefined) return fail('Match expression name not found');
  const [name, operand] = first;
  if (!OPERATOR_NAMES.has(name) || !ops.operators.has(name)) return fail(`Unrecognized match type ${name}`);
  switch (name) {
    case 'prefix':
    case 'suffix':
      return parseAffix(name, operand, entries, ops);
    case 'equals-ignore-case':
      if (typeof operand !== 'string') fail('equals-ignore-case match pattern must be a string');
      onlyKey(entries);
      return { kind: 'equals-ignore-case', value: operand as string };
    case 'wildcard':
      if (typeof operand !== 'string') fail('wildcard match pattern must be a string');
      onlyKey(entries);
      return {
        kind: 'wildcard',
        value: operand as string,
        program: wildcard(operand as string, maxWildcardComplexity),
      };
    case 'exists':
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false.');
      onlyKey(entries);
      return { kind: 'exists', value: operand as boolean };
    case 'cidr':
      if (typeof operand !== 'string') fail('prefix match pattern must be a string');
      onlyKey(entries);
      return parseCidrTest(operand as string);
    case 'numeric':
      if (!Array.isArray(operand)) fail('Value of numeric must be an array.');
      onlyKey(entries, 'Too many elements in numeric expression');
      return parseNumeric(operand as unknown[]);
    default:
      return parseAnythingBut(operand, entries, ops, maxWildcardComplexity);
  }
}

function wildcard(text: string, maxComplexity: number) {
  try {
    return compileWildcard(text, maxComplexity);
  } catch (err) {
    if (err instanceof WildcardSyntaxError) fail(err.message);
    throw err;
  }
}

function parseCidrTest(text: string): ValueTest {
  try {
    return { kind: 'cidr', value: text, range: parseCidr(text) };
  } catch (err) {
    if (err instanceof CidrSyntaxError) fail(err.message);
    throw err;
  }
}

function parseAffix(
  name: 'prefix' | 'suffix',
  operand: unknown,
  entries: [string, unknown][],
  ops: DialectOperators,
): ValueTest {
  if (isObject(operand) && ops.affixIgnoreCase) {
    const inner = Object.entries(operand);
    const head = inner[0];
    if (head === undefined) fail(`${name === 'prefix' ? 'Prefix' : 'Suffix'} expression name not found`);
    const [innerName, innerValue] = head as [string, unknown];
    if (innerName !== 'equals-ignore-case') fail(`Unsupported ${name} pattern: ${innerName}`);
    if (typeof innerValue !== 'string') fail('equals-ignore-case match pattern must be a string');
    onlyKey(inner);
    onlyKey(entries);
    return { kind: name, value: innerValue as string, ignoreCase: true };
  }
  if (typeof operand !== 'string') fail(`${name} match pattern must be a string`);
  onlyKey(entries);
  return { kind: name, value: operand as string, ignoreCase: false };
}

const RANGE_OPS = new Set(['=', '<', '<=', '>', '>=']);

function parseNumeric(items: unknown[]): ValueTest {
  const op = items[0];
  if (typeof op !== 'string') return fail(`Invalid member in numeric match: ${tokenText(op)}`);
  if (!RANGE_OPS.has(op)) return fail(`Unrecognized numeric range operator: ${op}`);
  const value = items[1];
  if (typeof value !== 'number') return fail(`Value of ${op === '=' ? 'equals' : op} must be numeric`);
  if (op === '=' || op === '<' || op === '<=') {
    if (items.length > 2) fail('Too many elements in numeric expression');
    if (op === '=') return { kind: 'numeric', low: value, lowOpen: false, high: value, highOpen: false };
    return { kind: 'numeric', low: -Infinity, lowOpen: true, high: value, highOpen: op === '<' };
  }
  if (items.length === 2)
    return { kind: 'numeric', low: value, lowOpen: op === '>', high: Infinity, highOpen: true };
  const op2 = items[2];
  if (typeof op2 !== 'string') return fail(`Bad value in numeric range: ${tokenText(op2)}`);
  if (op2 !== '<' && op2 !== '<=') return fail(`Bad numeric range operator: ${op2}`);
  const top = items[3];
  if (typeof top !== 'number') return fail(`Value of ${op2} must be numeric`);
  if (items.length > 4) fail('Too many terms in numeric range expression');
  if (!(value < top)) fail('Bottom must be less than top');
  return { kind: 'numeric', low: value, lowOpen: op === '>', high: top, highOpen: op2 === '<' };
}

const ANYTHING_BUT_VALUE = 'Value of anything-but must be an array or single string/number value.';

function parseAnythingBut(
  operand: unknown,
  entries: [string, unknown][],
  ops: DialectOperators,
  maxWildcardComplexity: number,
): ValueTest {
  if (isObject(operand)) {
    const inner = Object.entries(operand);
    const head = inner[0];
    if (head === undefined) return fail('Anything-But expression name not found');
    const [innerName, innerValue] = head;
    if (!ops.anythingBut.has(innerName)) return fail(`Unsupported anything-but pattern: ${innerName}`);
    const values = anythingButStrings(innerName, innerValue);
    onlyKey(inner, 'Too many elements in numeric expression');
    onlyKey(entries, 'Too many elements in numeric expression');
    switch (innerName) {
      case 'equals-ignore-case':
        return { kind: 'anything-but-ignore-case', values };
      case 'prefix':
        return { kind: 'anything-but-prefix', values };
      case 'suffix':
        return { kind: 'anything-but-suffix', values };
      default:
        return {
          kind: 'anything-but-wildcard',
          values,
          programs: values.map((v) => wildcard(v, maxWildcardComplexity)),
        };
    }
  }
  onlyKey(entries, 'Too many elements in numeric expression');
  if (typeof operand === 'string') return { kind: 'anything-but', strings: [operand], numbers: [] };
  if (typeof operand === 'number')
    return { kind: 'anything-but', strings: [], numbers: [operand === 0 ? 0 : operand] };
  if (!Array.isArray(operand)) return fail(ANYTHING_BUT_VALUE);
  const strings: string[] = [];
  const numbers: number[] = [];
  for (const item of operand) {
    if (typeof item === 'string') strings.push(item);
    else if (typeof item === 'number') numbers.push(item === 0 ? 0 : item);
    else fail('Inside anything but list, start|null|boolean is not supported.');
  }
  if (strings.length > 0 === numbers.length > 0) {
    fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return { kind: 'anything-but', strings, numbers };
}

/** The string operands of `anything-but: {prefix|suffix|equals-ignore-case|wildcard: …}`. */
function anythingButStrings(innerName: string, innerValue: unknown): string[] {
  if (typeof innerValue !== 'string' && typeof innerValue !== 'number' && !Array.isArray(innerValue)) {
    return fail(ANYTHING_BUT_VALUE);
  }
  const items: unknown[] = Array.isArray(innerValue) ? innerValue : [innerValue];
  return items.map((item) => {
    if (typeof item !== 'string') {
      if (innerName === 'equals-ignore-case') {
        return fail(
          'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
        );
      }
      return fail(
        innerName === 'wildcard'
          ? 'wildcard match pattern must be a string'
          : 'prefix/suffix match pattern must be a string',
      );
    }
    if ((innerName === 'prefix' || innerName === 'suffix') && item === '')
      fail('Null prefix/suffix not allowed');
    return item;
  });
}
