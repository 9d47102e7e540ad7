/**
 * A trie over UTF-16 code units used for prefix, suffix (reversed), equals-ignore-case (folded) and wildcard
 * (literal head or tail) tests. Walking one event string visits at most one node per character and collects the
 * targets of every key that is a prefix of it, so the cost does not grow with the number of keys.
 */
import { foldCode } from './value-tests.ts';
import { type WildcardProgram, wildcardMatches } from './wildcard.ts';

/** A wildcard whose literal head (or tail, in a reversed trie) is the path to its node; checked in full there. */
interface Check<T> {
  readonly program: WildcardProgram;
  readonly target: T;
}

class TrieNode<T> {
  next: Map<number, TrieNode<T>> | null = null;
  /** Targets of keys that end here and accept any continuation (prefix semantics). */
  prefix: T[] | null = null;
  /** Targets of keys that must end exactly here (equals semantics). */
  exact: T[] | null = null;
  checks: Check<T>[] | null = null;
}

/** Which way a trie reads its keys and event strings. */
export interface CharTrieOptions {
  readonly reversed: boolean;
  readonly folded: boolean;
}

function removeFrom<X>(list: X[] | null, match: (x: X) => boolean): X[] | null {
  if (list === null) return null;
  const i = list.findIndex(match);
  if (i >= 0) list.splice(i, 1);
  return list.length === 0 ? null : list;
}

/** A code-unit trie with prefix, exact and wildcard-check entries. */
export class CharTrie<T> {
  readonly #root = new TrieNode<T>();
  readonly #reversed: boolean;
  readonly #folded: boolean;
  /** Number of entries, for callers that drop empty tries. */
  size = 0;

  constructor(options: CharTrieOptions) {
    this.#reversed = options.reversed;
    this.#folded = options.folded;
  }

  #code(s: string, i: number): number {
    const c = s.charCodeAt(this.#reversed ? s.length - 1 - i : i);
    return this.#folded ? foldCode(c) : c;
  }

  #node(key: string, create: boolean): TrieNode<T> | undefined {
    let node = this.#root;
    for (let i = 0; i < key.length; i++) {
      const c = this.#code(key, i);
      let child = node.next?.get(c);
      if (child === undefined) {
        if (!create) return undefined;
        child = new TrieNode<T>();
        node.next ??= new Map();
        node.next.set(c, child);
      }
      node = child;
    }
    return node;
  }

  /** Adds a key; `kind` says whether it matches as a prefix or exactly. */
  add(key: string, kind: 'prefix' | 'exact', target: T): void {
    const node = this.#node(key, true) as TrieNode<T>;
    if (kind === 'prefix') {
      node.prefix ??= [];
      node.prefix.push(target);
    } else {
      node.exact ??= [];
      node.exact.push(target);
    }
    this.size++;
  }

  /** Adds a wildcard check at the node of its literal head (or tail when reversed). */
  addCheck(literal: string, program: WildcardProgram, target: T): void {
    const node = this.#node(literal, true) as TrieNode<T>;
    node.checks ??= [];
    node.checks.push({ program, target });
    this.size++;
  }

  /** Removes one entry added with the same arguments. */
  remove(key: string, kind: 'prefix' | 'exact' | 'check', target: T): void {
    const node = this.#node(key, false);
    if (node === undefined) return;
    if (kind === 'prefix') node.prefix = removeFrom(node.prefix, (t) => t === target);
    else if (kind === 'exact') node.exact = removeFrom(node.exact, (t) => t === target);
    else node.checks = removeFrom(node.checks, (c) => c.target === target);
    this.size--;
  }

  /** Pushes onto `out` (from `out.length`) the target of every key that matches `s`. */
  collect(s: string, out: T[]): void {
    let node: TrieNode<T> | undefined = this.#root;
    const n = s.length;
    for (let i = 0; ; i++) {
      if (node.prefix !== null) for (const t of node.prefix) out.push(t);
      if (node.checks !== null)
        for (const c of node.checks) if (wildcardMatches(c.program, s)) out.push(c.target);
      if (i === n) {
        if (node.exact !== null) for (const t of node.exact) out.push(t);
        return;
      }
      if (node.next === null) return;
      node = node.next.get(this.#code(s, i));
      if (node === undefined) return;
    }
  }
}
