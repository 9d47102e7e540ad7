/**
 * How a rule's conditions become a chain of the automaton: canonical keys (equal conditions share a state),
 * the order conditions are chained in, and the splitting of exact-value lists. None of this changes what
 * matches; it decides how small and selective the automaton is (see docs/adr/0003-pattern-matcher.md).
 */
import type { FieldCondition, ValueTest } from './pattern-types.ts';

/** A canonical text for a test, so equal conditions share one state (joined, so the string is flat, not a rope). */
function testKey(t: ValueTest): string {
  switch (t.kind) {
    case 'exact-string':
    case 'equals-ignore-case':
    case 'wildcard':
    case 'cidr':
      return [t.kind, t.value].join('\u0000');
    case 'exact-number':
    case 'exact-literal':
    case 'exists':
      return [t.kind, String(t.value)].join('\u0000');
    case 'prefix':
    case 'suffix':
      return [t.kind, t.ignoreCase ? 'i' : 'c', t.value].join('\u0000');
    case 'numeric':
      return ['numeric', `${t.lowOpen ? '(' : '['}${t.low},${t.high}${t.highOpen ? ')' : ']'}`].join(
        '\u0000',
      );
    case 'anything-but':
      return ['anything-but', JSON.stringify(t.strings), JSON.stringify(t.numbers)].join('\u0000');
    default:
      return [t.kind, JSON.stringify(t.values)].join('\u0000');
  }
}

/** A canonical text for a condition (its tests in any order), so equal conditions share one state. */
export function conditionKey(condition: FieldCondition): string {
  return condition.tests.map(testKey).sort().join('|');
}

/**
 * How selective a condition is likely to be: 0 a single exact value (a hash lookup that partitions the rule
 * set), 1 an exact list, 2 other selective operators, 3 operators that pass most values (anything-but,
 * exists), 4 absence.
 */
function rank(condition: FieldCondition): number {
  let rank = condition.tests.length === 1 ? 0 : 1;
  for (const t of condition.tests) {
    if (t.kind === 'exists') return t.value ? Math.max(rank, 3) : 4;
    if (t.kind.startsWith('anything-but')) rank = Math.max(rank, 3);
    else if (!isExact(t)) rank = Math.max(rank, 2);
  }
  return rank;
}

/**
 * The order a branch's conditions are chained in. Any order is correct; this one keeps the automaton small and
 * selective: selective conditions before those that pass most values; among them the paths most rules name first
 * (like an FP-tree, frequent items first, so rules share their leading states and the first lookups split the
 * rule set widely); then by rank and path.
 */
export function ordered(
  branch: readonly FieldCondition[],
  uses: (condition: FieldCondition) => number,
): FieldCondition[] {
  const keyed = branch.map((condition) => ({ condition, rank: rank(condition), uses: uses(condition) }));
  keyed.sort(
    (a, b) =>
      Number(a.rank >= 3) - Number(b.rank >= 3) ||
      b.uses - a.uses ||
      a.rank - b.rank ||
      (a.condition.path < b.condition.path ? -1 : a.condition.path > b.condition.path ? 1 : 0),
  );
  return keyed.map((k) => k.condition);
}

const isExact = (t: ValueTest) =>
  t.kind === 'exact-string' || t.kind === 'exact-number' || t.kind === 'exact-literal';

/** Most chains one branch is split into by splitExactLists. */
const MAX_SPLIT = 16;

/**
 * Splits lists of exact values into one chain per value (while the product stays small). An event value then
 * selects exactly one state per list instead of one state per distinct list that contains it, and rules naming
 * the same value share what follows.
 */
export function splitExactLists(branch: readonly FieldCondition[]): FieldCondition[][] {
  let chains: FieldCondition[][] = [[]];
  for (const condition of branch) {
    const split =
      condition.tests.length > 1 &&
      condition.tests.every(isExact) &&
      chains.length * condition.tests.length <= MAX_SPLIT;
    const choices = split ? condition.tests.map((test) => ({ ...condition, tests: [test] })) : [condition];
    chains = chains.flatMap((chain) => choices.map((choice) => [...chain, choice]));
  }
  return chains;
}
