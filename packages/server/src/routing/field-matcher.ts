/**
 * The index of one field's value tests at one state of the rule machine, for the tests that are not exact values
 * (the automaton's exact-value table holds those) when a transition has more than one or one of a kind it does not
 * keep inline: prefixes/suffixes/ignore-case and literal-headed wildcards are affix-index lookups, numeric ranges
 * a stabbing query; only tests that match nearly everything (anything-but …) or cannot be indexed (cidr, `*x*`
 * wildcards) are checked one by one.
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
const AFFIXES = 1;
const RANGES = 2;
const OTHERS = 4;
const EXISTS = 8;
const OTHER_ONE = 16;

/** All value tests on one field from one state, each leading to a target. */
export class FieldMatcher<T> {
  /** The field this index reads, for the owner's use; declared first to share a cache line with the hot fields. */
  fieldId = -1;
  /** Bits of the indexes that are not empty. */
  #has = 0;
  #prefix: AffixIndex<T> | null = null;
  #suffix: AffixIndex<T> | null = null;
  #foldPrefix: AffixIndex<T> | null = null;
  #foldSuffix: AffixIndex<T> | null = null;
  #ranges: NumericIndex<T> | null = null;
  #others: { test: ValueTest; target: T }[] | null = null;
  /** The only entry of #others when it has one, read without the list. */
  #other1: ValueTest | null = null;
  #other1Target: T | null = null;
  /** Targets of `exists: true`: any leaf. */
  #exists: T[] | null = null;
  /** Targets of `exists: false`: taken only when the field has no leaf in the event. */
  absent: T[] | null = null;

  /** True when the index holds any test besides `exists: false` (which `absent` lists). */
  get hasTests(): boolean {
    return this.#has !== 0;
  }

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
    this.#has =
      ([this.#prefix, this.#suffix, this.#foldPrefix, this.#foldSuffix].some(used) ? AFFIXES : 0) |
      (used(this.#ranges) ? RANGES : 0) |
      (this.#others !== null ? (lone !== null ? OTHER_ONE : OTHERS) : 0) |
      (this.#exists !== null ? EXISTS : 0);
  }

  #apply(test: ValueTest, target: T, add: boolean): void {
    switch (test.kind) {
      case 'exact-string':
      case 'exact-number':
      case 'exact-literal':
        throw new Error('exact values belong in the exact-value table, not a FieldMatcher');
      case 'numeric':
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
        if (head !== '' || tail !== '') {
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
      if ((has & AFFIXES) !== 0) {
        if (this.#prefix !== null) this.#prefix.collect(leaf, out);
        if (this.#suffix !== null) this.#suffix.collect(leaf, out);
        if (this.#foldPrefix !== null) this.#foldPrefix.collect(leaf, out);
        if (this.#foldSuffix !== null) this.#foldSuffix.collect(leaf, out);
      }
    } else if (typeof leaf === 'number') {
      if ((has & RANGES) !== 0) (this.#ranges as NumericIndex<T>).collect(leaf, out);
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
