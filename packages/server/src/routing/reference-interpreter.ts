/**
 * A deliberately simple matcher for one compiled pattern against one parsed event, written for clarity rather
 * than speed. The tests use it as the oracle the compiled RuleMatcher must agree with; it states the semantics in
 * one page:
 *
 * - The event is flattened into leaves: (dotted path, value, array picks). Objects and arrays are walked; arrays
 *   are "crushed" (an element has its array's path). Each leaf remembers, for every array it sits inside through
 *   an object or array element, which element it came from.
 * - A branch matches when every condition is met by some leaf at its path, and all the chosen leaves agree on the
 *   element of every array they share (event-ruler's `rulesForJSONEvent` array consistency).
 * - `exists: true` is met by any leaf; `exists: false` is met when the path has no leaf anywhere in the event.
 */
import type { CompiledPattern, FieldCondition } from './pattern-types.ts';
import { type Leaf, leafPasses } from './value-tests.ts';

interface FlatLeaf {
  readonly path: string;
  readonly value: Leaf;
  /** arrayId → element index, for arrays entered through an object or array element. */
  readonly picks: ReadonlyMap<number, number>;
}

/** Flattens an event into leaves with their array picks. */
export function flattenEvent(event: unknown): FlatLeaf[] {
  const out: FlatLeaf[] = [];
  let nextArray = 0;
  const walk = (value: unknown, path: string | null, picks: Map<number, number>): void => {
    if (Array.isArray(value)) {
      const id = nextArray++;
      value.forEach((element, index) => {
        if (element !== null && typeof element === 'object')
          walk(element, path, new Map(picks).set(id, index));
        else walk(element, path, picks);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value))
        walk(child, path === null ? key : `${path}.${key}`, picks);
    } else if (path !== null) {
      out.push({ path, value: value as Leaf, picks });
    }
  };
  walk(event, null, new Map());
  return out;
}

function compatible(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  for (const [array, index] of b) {
    const other = a.get(array);
    if (other !== undefined && other !== index) return false;
  }
  return true;
}

function candidates(
  condition: FieldCondition,
  leaves: readonly FlatLeaf[],
): FlatLeaf[] | 'absent-ok' | 'fail' {
  const atPath = leaves.filter((leaf) => leaf.path === condition.path);
  const passing = atPath.filter((leaf) =>
    condition.tests.some((t) => t.kind !== 'exists' && leafPasses(t, leaf.value)),
  );
  if (condition.tests.some((t) => t.kind === 'exists' && t.value)) passing.push(...atPath);
  if (passing.length > 0) return passing;
  const absentOk = atPath.length === 0 && condition.tests.some((t) => t.kind === 'exists' && !t.value);
  return absentOk ? 'absent-ok' : 'fail';
}

function branchMatches(conditions: readonly FieldCondition[], leaves: readonly FlatLeaf[]): boolean {
  const options: FlatLeaf[][] = [];
  for (const condition of conditions) {
    const found = candidates(condition, leaves);
    if (found === 'fail') return false;
    if (found !== 'absent-ok') options.push(found);
  }
  // Search for one leaf per condition with consistent array picks.
  const search = (i: number, picks: ReadonlyMap<number, number>): boolean => {
    const choices = options[i];
    if (choices === undefined) return true;
    return choices.some((leaf) => {
      if (!compatible(picks, leaf.picks)) return false;
      const merged = new Map(picks);
      for (const [k, v] of leaf.picks) merged.set(k, v);
      return search(i + 1, merged);
    });
  };
  return search(0, new Map());
}

/** True when the event matches the pattern. */
export function referenceMatches(pattern: CompiledPattern, event: unknown): boolean {
  const leaves = flattenEvent(event);
  return pattern.branches.some((branch) => branchMatches(branch, leaves));
}
