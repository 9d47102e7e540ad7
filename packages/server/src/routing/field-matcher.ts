/**
 * The value index of one field at one state of the rule machine: every value test of every condition on that
 * field, pointing at the condition's next state. Exact values are hash lookups, prefixes/suffixes/ignore-case and
 * literal-headed wildcards are trie walks, numeric ranges a stabbing query; only tests that match nearly
 * everything (anything-but …) or cannot be indexed (cidr, `*x*` wildcards) are checked one by one.
 */
import { AffixIndex } from './affix-index.ts';
import { NumericIndex } from './numeric-index.ts';
import type { ValueTest } from './pattern-types.ts';
import { type Leaf, leafPasses } from './value-tests.ts';

/** A reusable stack the matchers push targets onto; never shrunk, so matching does not allocate. */
export class TargetStack<T> {
  readonly items: T[] = [];
  top = 0;

  push(target: T): void {
    this.items[this.top++] = target;
  }
}

function pushAll<T>(list: readonly T[] | null | undefined, out: TargetStack<T>): void {
  if (list == null) return;
  for (let i = 0; i < list.length; i++) out.push(list[i] as T);
}

/**
 * Exact-value maps hold a lone target as itself and only two or more in a list (targets are never arrays), which
 * saves a hop per lookup: most values lead to one state.
 */
type Targets<T> = T | T[];

function addTo<K, T>(map: Map<K, Targets<T>>, key: K, target: T): void {
  const found = map.get(key);
  if (found === undefined) map.set(key, target);
  else if (!Array.isArray(found)) map.set(key, [found, target]);
  else if (found.length >= 16) found.push(target);
  else map.set(key, [...found, target]);
}

function removeFromMap<K, T>(map: Map<K, Targets<T>> | null, key: K, target: T): void {
  const found = map?.get(key);
  if (map == null || found === undefined) return;
  if (!Array.isArray(found)) {
    if (found === target) map.delete(key);
    return;
  }
  const i = found.indexOf(target);
  if (i >= 0) found.splice(i, 1);
  if (found.length === 1) map.set(key, found[0] as T);
}

function pushFound<T>(found: Targets<T> | undefined, out: TargetStack<T>): void {
  if (found === undefined) return;
  if (Array.isArray(found)) pushAll(found, out);
  else out.push(found);
}

/** Adds to or removes from a lazily created list; an emptied list becomes null. */
function edit<T>(list: T[] | null, target: T, add: boolean): T[] | null {
  if (add) {
    if (list === null) return [target];
    // Copy while short: exact capacity for the many small long-lived lists.
    if (list.length < 16) return [...list, target];
    list.push(target);
    return list;
  }
  if (list === null) return null;
  const i = list.indexOf(target);
  if (i >= 0) list.splice(i, 1);
  return list.length === 0 ? null : list;
}

// Which indexes a FieldMatcher holds, so that collect reads one field before touching any index.
const STRING1 = 1;
const STRINGS = 2;
const AFFIXES = 4;
const NUMBER1 = 8;
const NUMBERS = 16;
const RANGES = 32;
const LITERALS = 64;
const OTHERS = 128;
const EXISTS = 256;
const STRING1_ONE = 512;
const OTHER_ONE = 1024;

/** All value tests on one field from one state, each leading to a target. */
export class FieldMatcher<T> {
  /** The field this index reads, for the owner's use; declared first to share a cache line with the hot fields. */
  fieldId = -1;
  /** Bits of the indexes that are not empty. */
  #has = 0;
  // Exact values: the first key inline (most transitions have one), further keys in a map.
  #string1: string | null = null;
  #string1Targets: T[] | null = null;
  /** The only target of #string1 when it has one (nearly always), read without the list. */
  #string1Target: T | null = null;
  #strings: Map<string, Targets<T>> | null = null;
  #prefix: AffixIndex<T> | null = null;
  #suffix: AffixIndex<T> | null = null;
  #foldPrefix: AffixIndex<T> | null = null;
  #foldSuffix: AffixIndex<T> | null = null;
  #number1 = 0;
  #number1Targets: T[] | null = null;
  #numbers: Map<number, Targets<T>> | null = null;
  #ranges: NumericIndex<T> | null = null;
  #true: T[] | null = null;
  #false: T[] | null = null;
  #null: T[] | null = null;
  #others: { test: ValueTest; target: T }[] | null = null;
  /** The only entry of #others when it has one, read without the list. */
  #other1: ValueTest | null = null;
  #other1Target: T | null = null;
  /** Targets of `exists: true`: any leaf. */
  #exists: T[] | null = null;
  /** Targets of `exists: false`: taken only when the field has no leaf in the event. */
  absent: T[] | null = null;

  /** Registers one test. */
  add(test: ValueTest, target: T): void {
    this.#apply(test, target, true);
    this.#refresh();
  }

  /** Unregisters a test added with the same arguments. */
  remove(test: ValueTest, target: T): void {
    this.#apply(test, target, false);
    this.#refresh();
  }

  #refresh(): void {
    const used = (index: { size: number } | null) => index !== null && index.size > 0;
    const lone = this.#others?.length === 1 ? (this.#others[0] ?? null) : null;
    this.#other1 = lone?.test ?? null;
    this.#other1Target = lone?.target ?? null;
    const one = this.#string1Targets?.length === 1;
    this.#string1Target = one ? (this.#string1Targets?.[0] ?? null) : null;
    this.#has =
      (this.#string1Targets !== null ? STRING1 : 0) |
      (one ? STRING1_ONE : 0) |
      (used(this.#strings) ? STRINGS : 0) |
      ([this.#prefix, this.#suffix, this.#foldPrefix, this.#foldSuffix].some(used) ? AFFIXES : 0) |
      (this.#number1Targets !== null ? NUMBER1 : 0) |
      (used(this.#numbers) ? NUMBERS : 0) |
      (used(this.#ranges) ? RANGES : 0) |
      (this.#true !== null || this.#false !== null || this.#null !== null ? LITERALS : 0) |
      (this.#others !== null ? (lone !== null ? OTHER_ONE : OTHERS) : 0) |
      (this.#exists !== null ? EXISTS : 0);
  }

  #apply(test: ValueTest, target: T, add: boolean): void {
    switch (test.kind) {
      case 'exact-string':
        if (this.#string1Targets !== null && this.#string1 === test.value) {
          this.#string1Targets = edit(this.#string1Targets, target, add);
        } else if (add && this.#string1Targets === null && this.#strings?.has(test.value) !== true) {
          this.#string1 = test.value;
          this.#string1Targets = [target];
        } else if (add) {
          this.#strings ??= new Map();
          addTo(this.#strings, test.value, target);
        } else removeFromMap(this.#strings, test.value, target);
        return;
      case 'exact-number':
        if (this.#number1Targets !== null && this.#number1 === test.value) {
          this.#number1Targets = edit(this.#number1Targets, target, add);
        } else if (add && this.#number1Targets === null && this.#numbers?.has(test.value) !== true) {
          this.#number1 = test.value;
          this.#number1Targets = [target];
        } else if (add) {
          this.#numbers ??= new Map();
          addTo(this.#numbers, test.value, target);
        } else removeFromMap(this.#numbers, test.value, target);
        return;
      case 'exact-literal':
        if (test.value === null) this.#null = edit(this.#null, target, add);
        else if (test.value) this.#true = edit(this.#true, target, add);
        else this.#false = edit(this.#false, target, add);
        return;
      case 'numeric':
        if (test.low === test.high) {
          this.#apply({ kind: 'exact-number', value: test.low === 0 ? 0 : test.low }, target, add);
          return;
        }
        this.#ranges ??= new NumericIndex();
        if (add) this.#ranges.add(test.low, test.lowOpen, test.high, test.highOpen, target);
        else this.#ranges.remove(test.low, test.lowOpen, test.high, test.highOpen, target);
        return;
      case 'prefix':
      case 'suffix':
      case 'equals-ignore-case': {
        const trie = this.#trieFor(test);
        if (add) trie.add(test.value, test.kind === 'equals-ignore-case' ? 'exact' : 'prefix', target);
        else trie.remove(test.value, test.kind === 'equals-ignore-case' ? 'exact' : 'prefix', target);
        return;
      }
      case 'wildcard': {
        const pieces = test.program.pieces;
        const head = pieces[0] as string;
        const tail = pieces[pieces.length - 1] as string;
        if (pieces.length === 1) {
          this.#apply({ kind: 'exact-string', value: head }, target, add);
        } else if (head !== '' || tail !== '') {
          const trie = this.#trie(head !== '' ? 'prefix' : 'suffix', false);
          const literal = head !== '' ? head : tail;
          if (add) trie.addCheck(literal, test.program, target);
          else trie.remove(literal, 'check', target);
        } else {
          this.#other(test, target, add);
        }
        return;
      }
      case 'exists':
        if (test.value) this.#exists = edit(this.#exists, target, add);
        else this.absent = edit(this.absent, target, add);
        return;
      default:
        this.#other(test, target, add);
    }
  }

  #other(test: ValueTest, target: T, add: boolean): void {
    if (add) this.#others = [...(this.#others ?? []), { test, target }];
    else if (this.#others !== null) {
      const i = this.#others.findIndex((o) => o.test === test && o.target === target);
      if (i >= 0) this.#others.splice(i, 1);
      if (this.#others.length === 0) this.#others = null;
    }
  }

  #trieFor(test: { kind: 'prefix' | 'suffix' | 'equals-ignore-case'; ignoreCase?: boolean }): AffixIndex<T> {
    const folded = test.kind === 'equals-ignore-case' || test.ignoreCase === true;
    return this.#trie(test.kind === 'suffix' ? 'suffix' : 'prefix', folded);
  }

  #trie(direction: 'prefix' | 'suffix', folded: boolean): AffixIndex<T> {
    const reversed = direction === 'suffix';
    let trie = reversed
      ? folded
        ? this.#foldSuffix
        : this.#suffix
      : folded
        ? this.#foldPrefix
        : this.#prefix;
    if (trie !== null) return trie;
    trie = new AffixIndex<T>({ reversed, folded });
    if (reversed && folded) this.#foldSuffix = trie;
    else if (reversed) this.#suffix = trie;
    else if (folded) this.#foldPrefix = trie;
    else this.#prefix = trie;
    return trie;
  }

  /** Pushes onto `out` the target of every test that `leaf` passes (exists included; absence excluded). */
  collect(leaf: Leaf, out: TargetStack<T>): void {
    const has = this.#has;
    if (typeof leaf === 'string') {
      if ((has & STRING1) !== 0 && this.#string1 === leaf) {
        if ((has & STRING1_ONE) !== 0) out.push(this.#string1Target as T);
        else pushAll(this.#string1Targets, out);
      }
      if ((has & STRINGS) !== 0) pushFound((this.#strings as Map<string, Targets<T>>).get(leaf), out);
      if ((has & AFFIXES) !== 0) {
        if (this.#prefix !== null) this.#prefix.collect(leaf, out);
        if (this.#suffix !== null) this.#suffix.collect(leaf, out);
        if (this.#foldPrefix !== null) this.#foldPrefix.collect(leaf, out);
        if (this.#foldSuffix !== null) this.#foldSuffix.collect(leaf, out);
      }
    } else if (typeof leaf === 'number') {
      if ((has & NUMBER1) !== 0 && this.#number1 === leaf) pushAll(this.#number1Targets, out);
      if ((has & NUMBERS) !== 0)
        pushFound((this.#numbers as Map<number, Targets<T>>).get(leaf === 0 ? 0 : leaf), out);
      if ((has & RANGES) !== 0) (this.#ranges as NumericIndex<T>).collect(leaf, out);
    } else if ((has & LITERALS) !== 0) {
      pushAll(leaf === null ? this.#null : leaf ? this.#true : this.#false, out);
    }
    if ((has & OTHER_ONE) !== 0) {
      if (leafPasses(this.#other1 as ValueTest, leaf)) out.push(this.#other1Target as T);
    } else if ((has & OTHERS) !== 0) {
      const others = this.#others as { test: ValueTest; target: T }[];
      for (let i = 0; i < others.length; i++) {
        const o = others[i] as { test: ValueTest; target: T };
        if (leafPasses(o.test, leaf)) out.push(o.target);
      }
    }
    if ((has & EXISTS) !== 0) pushAll(this.#exists, out);
  }
}
