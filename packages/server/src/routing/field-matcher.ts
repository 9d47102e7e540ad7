/**
 * The value index of one field at one state of the rule machine: every value test of every condition on that
 * field, pointing at the condition's next state. Exact values are hash lookups, prefixes/suffixes/ignore-case and
 * literal-headed wildcards are trie walks, numeric ranges a stabbing query; only tests that match nearly
 * everything (anything-but …) or cannot be indexed (cidr, `*x*` wildcards) are checked one by one.
 */
import { CharTrie } from './char-trie.ts';
import { NumericIndex } from './numeric-index.ts';
import type { ValueTest } from './pattern-types.ts';
import { type Leaf, leafPasses } from './value-tests.ts';

function pushAll<T>(list: readonly T[] | null | undefined, out: T[]): void {
  if (list == null) return;
  for (let i = 0; i < list.length; i++) out.push(list[i] as T);
}

function addTo<K, T>(map: Map<K, T[]>, key: K, target: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [target]);
  else list.push(target);
}

function removeFromMap<K, T>(map: Map<K, T[]> | null, key: K, target: T): void {
  const list = map?.get(key);
  if (list === undefined) return;
  const i = list.indexOf(target);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map?.delete(key);
}

function removeFromList<T>(list: T[], target: T): void {
  const i = list.indexOf(target);
  if (i >= 0) list.splice(i, 1);
}

/** All value tests on one field from one state, each leading to a target. */
export class FieldMatcher<T> {
  #strings: Map<string, T[]> | null = null;
  #numbers: Map<number, T[]> | null = null;
  #true: T[] = [];
  #false: T[] = [];
  #null: T[] = [];
  #prefix: CharTrie<T> | null = null;
  #suffix: CharTrie<T> | null = null;
  #foldPrefix: CharTrie<T> | null = null;
  #foldSuffix: CharTrie<T> | null = null;
  #ranges: NumericIndex<T> | null = null;
  #others: { test: ValueTest; target: T }[] = [];
  /** Targets of `exists: true`: any leaf. */
  readonly exists: T[] = [];
  /** Targets of `exists: false`: taken only when the field has no leaf in the event. */
  readonly absent: T[] = [];

  /** Registers one test. */
  add(test: ValueTest, target: T): void {
    this.#apply(test, target, true);
  }

  /** Unregisters a test added with the same arguments. */
  remove(test: ValueTest, target: T): void {
    this.#apply(test, target, false);
  }

  #apply(test: ValueTest, target: T, add: boolean): void {
    switch (test.kind) {
      case 'exact-string':
        if (add) {
          this.#strings ??= new Map();
          addTo(this.#strings, test.value, target);
        } else removeFromMap(this.#strings, test.value, target);
        return;
      case 'exact-number':
        if (add) {
          this.#numbers ??= new Map();
          addTo(this.#numbers, test.value, target);
        } else removeFromMap(this.#numbers, test.value, target);
        return;
      case 'exact-literal': {
        const list = test.value === null ? this.#null : test.value ? this.#true : this.#false;
        if (add) list.push(target);
        else removeFromList(list, target);
        return;
      }
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
        if (add) (test.value ? this.exists : this.absent).push(target);
        else removeFromList(test.value ? this.exists : this.absent, target);
        return;
      default:
        this.#other(test, target, add);
    }
  }

  #other(test: ValueTest, target: T, add: boolean): void {
    if (add) this.#others.push({ test, target });
    else {
      const i = this.#others.findIndex((o) => o.test === test && o.target === target);
      if (i >= 0) this.#others.splice(i, 1);
    }
  }

  #trieFor(test: { kind: 'prefix' | 'suffix' | 'equals-ignore-case'; ignoreCase?: boolean }): CharTrie<T> {
    const folded = test.kind === 'equals-ignore-case' || test.ignoreCase === true;
    return this.#trie(test.kind === 'suffix' ? 'suffix' : 'prefix', folded);
  }

  #trie(direction: 'prefix' | 'suffix', folded: boolean): CharTrie<T> {
    const reversed = direction === 'suffix';
    let trie = reversed
      ? folded
        ? this.#foldSuffix
        : this.#suffix
      : folded
        ? this.#foldPrefix
        : this.#prefix;
    if (trie !== null) return trie;
    trie = new CharTrie<T>({ reversed, folded });
    if (reversed && folded) this.#foldSuffix = trie;
    else if (reversed) this.#suffix = trie;
    else if (folded) this.#foldPrefix = trie;
    else this.#prefix = trie;
    return trie;
  }

  /** Pushes onto `out` the target of every test that `leaf` passes (exists included; absence excluded). */
  collect(leaf: Leaf, out: T[]): void {
    if (typeof leaf === 'string') {
      if (this.#strings !== null) pushAll(this.#strings.get(leaf), out);
      if (this.#prefix !== null) this.#prefix.collect(leaf, out);
      if (this.#suffix !== null) this.#suffix.collect(leaf, out);
      if (this.#foldPrefix !== null) this.#foldPrefix.collect(leaf, out);
      if (this.#foldSuffix !== null) this.#foldSuffix.collect(leaf, out);
    } else if (typeof leaf === 'number') {
      if (this.#numbers !== null) pushAll(this.#numbers.get(leaf === 0 ? 0 : leaf), out);
      if (this.#ranges !== null) this.#ranges.collect(leaf, out);
    } else if (leaf === null) {
      pushAll(this.#null, out);
    } else {
      pushAll(leaf ? this.#true : this.#false, out);
    }
    const others = this.#others;
    for (let i = 0; i < others.length; i++) {
      const o = others[i] as { test: ValueTest; target: T };
      if (leafPasses(o.test, leaf)) out.push(o.target);
    }
    pushAll(this.exists, out);
  }
}
