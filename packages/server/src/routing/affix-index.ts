/**
 * An index of string keys matched as prefixes (or, reversed, as suffixes), exact values (folded for
 * equals-ignore-case) and wildcard heads/tails. An event string is looked up only at the lengths some key has,
 * so the cost is one lookup per distinct key length, whatever the number of keys: a forward, case-sensitive index
 * maps the keys themselves and probes with a native slice of the string; a reversed or folding one buckets keys
 * by a hash of their (folded, reversed) characters and hashes the string character by character. An index of
 * few keys (most of them: one per condition state) keeps them in a list compared one by one instead, which costs
 * less time and a fraction of the memory. A hashed index remembers its answers for the strings it was asked about
 * lately (recent-answers.ts), so a repeated event value costs one map lookup.
 */
import type { TargetStack } from './field-matcher.ts';
import { RecentAnswers } from './recent-answers.ts';
import { foldCode } from './value-tests.ts';
import { type WildcardProgram, wildcardMatches } from './wildcard.ts';

const PREFIX = 0;
const EXACT = 1;
const CHECK = 2;

interface Entry<T> {
  readonly key: string;
  readonly kind: number;
  readonly program: WildcardProgram | null;
  readonly target: T;
}

/** The entries under one hash or key: a lone entry as itself (most), several in a list. */
type Bucket<T> = Entry<T> | Entry<T>[];

const EMPTY_LENGTHS: readonly number[] = [];
const NO_TARGETS: readonly never[] = Object.freeze([]);

/** Which way an index reads keys and event strings. */
export interface AffixIndexOptions {
  readonly reversed: boolean;
  readonly folded: boolean;
}

/** Most keys kept in a list; one more and the index is hashed. */
const SMALL = 8;

/**
 * A hashed index remembers answers for at most this many strings per key it holds, and at least MEMO_FLOOR
 * strings: the memory is bounded by the rules', and an index of many keys (a bus routing many sources by
 * prefix) remembers the many strings it is asked about.
 */
const MEMO_PER_KEY = 4;
const MEMO_FLOOR = 1024;

const SEED = 0x811c9dc5;
/** Hashes are cut to 30 bits: map keys that stay small integers (an unsigned 32-bit key above 2^31 is a heap number, hashed and compared slowly). */
const SMALL_INT = 0x3fffffff;
const PRIME = 0x01000193;

/** Prefix/suffix/exact/wildcard-literal keys with targets. */
export class AffixIndex<T> {
  /** The entries while there are few; null once they are hashed. */
  #list: Entry<T>[] | null = [];
  /** A lone entry's fields, copied here so that the common one-key index is read without two more hops. */
  #oneKey: string | null = null;
  #oneKind = PREFIX;
  #oneTarget: T | null = null;
  #oneProgram: WildcardProgram | null = null;
  /**
   * Hashed entries: by the key itself when the index reads forwards without folding (a probe is a native slice
   * and lookup; the map compares the strings), otherwise by the hash of the key's (folded, reversed) characters.
   */
  #byHash: Map<number | string, Bucket<T>> | null = null;
  readonly #plain: boolean;
  /** Distinct key lengths, ascending, and how many keys have each (hashed mode only). */
  #lengths: readonly number[] = EMPTY_LENGTHS;
  #lengthUses: Map<number, number> | null = null;
  /** Hashed mode: the targets found for recent strings; emptied by every change. */
  #memo: RecentAnswers<readonly T[]> | null = null;
  readonly #reversed: boolean;
  readonly #folded: boolean;
  /** Number of entries. */
  size = 0;

  #memoCapacity(): number {
    return Math.max(MEMO_FLOOR, this.size * MEMO_PER_KEY);
  }

  /** How many strings a hashed index remembers answers for now (see MEMO_PER_KEY). */
  get remembered(): number {
    return this.#memo?.size ?? 0;
  }

  constructor(options: AffixIndexOptions) {
    this.#reversed = options.reversed;
    this.#folded = options.folded;
    this.#plain = !options.reversed && !options.folded;
  }

  #bucketKey(key: string): number | string {
    return this.#plain ? key : this.#hash(key);
  }

  #hash(key: string): number {
    let h = SEED;
    const n = key.length;
    for (let i = 0; i < n; i++) {
      let c = key.charCodeAt(this.#reversed ? n - 1 - i : i);
      if (this.#folded) c = foldCode(c);
      h = Math.imul(h ^ c, PRIME);
    }
    return h & SMALL_INT;
  }

  #insert(entry: Entry<T>): void {
    const list = this.#list;
    if (list !== null && list.length < SMALL) {
      this.#list = [...list, entry];
      this.size++;
      this.#copyLone();
      return;
    }
    if (list !== null) {
      this.#list = null;
      this.#byHash = new Map();
      this.#lengthUses = new Map();
      this.#memo = new RecentAnswers(MEMO_FLOOR);
      this.size = 0;
      this.#copyLone();
      for (const e of list) this.#insert(e);
    }
    this.#insertHashed(
      entry,
      this.#byHash as Map<number | string, Bucket<T>>,
      this.#lengthUses as Map<number, number>,
    );
  }

  #insertHashed(
    entry: Entry<T>,
    byHash: Map<number | string, Bucket<T>>,
    lengthUses: Map<number, number>,
  ): void {
    const h = this.#bucketKey(entry.key);
    const bucket = byHash.get(h);
    if (bucket === undefined) byHash.set(h, entry);
    else if (Array.isArray(bucket)) bucket.push(entry);
    else byHash.set(h, [bucket, entry]);
    const len = entry.key.length;
    const uses = lengthUses.get(len) ?? 0;
    lengthUses.set(len, uses + 1);
    if (uses === 0) this.#lengths = [...this.#lengths, len].sort((a, b) => a - b);
    this.size++;
    this.#memo?.reset(this.#memoCapacity());
  }

  #copyLone(): void {
    const lone = this.#list?.length === 1 ? (this.#list[0] as Entry<T>) : null;
    this.#oneKey = lone?.key ?? null;
    this.#oneKind = lone?.kind ?? PREFIX;
    this.#oneTarget = lone?.target ?? null;
    this.#oneProgram = lone?.program ?? null;
  }

  /** Adds a key matching as a prefix (suffix when reversed) or exactly. */
  add(key: string, kind: 'prefix' | 'exact', target: T): void {
    this.#insert({ key, kind: kind === 'prefix' ? PREFIX : EXACT, program: null, target });
  }

  /** Adds a wildcard whose literal head (tail when reversed) is `literal`; the whole wildcard is checked on a hit. */
  addCheck(literal: string, program: WildcardProgram, target: T): void {
    this.#insert({ key: literal, kind: CHECK, program, target });
  }

  /** Removes one entry added with the same key, kind and target. */
  remove(key: string, kind: 'prefix' | 'exact' | 'check', target: T): void {
    const code = kind === 'prefix' ? PREFIX : kind === 'exact' ? EXACT : CHECK;
    const list = this.#list;
    if (list !== null) {
      const i = list.findIndex((e) => e.key === key && e.kind === code && e.target === target);
      if (i >= 0) {
        this.#list = list.filter((_, j) => j !== i);
        this.size--;
        this.#copyLone();
      }
      return;
    }
    const byHash = this.#byHash as Map<number | string, Bucket<T>>;
    const lengthUses = this.#lengthUses as Map<number, number>;
    const h = this.#bucketKey(key);
    const found = byHash.get(h);
    const bucket = found === undefined ? [] : Array.isArray(found) ? found : [found];
    const i = bucket.findIndex((e) => e.key === key && e.kind === code && e.target === target);
    if (i < 0) return;
    bucket.splice(i, 1);
    if (bucket.length === 0) byHash.delete(h);
    else if (bucket.length === 1) byHash.set(h, bucket[0] as Entry<T>);
    else byHash.set(h, bucket);
    const uses = (lengthUses.get(key.length) ?? 1) - 1;
    if (uses === 0) {
      lengthUses.delete(key.length);
      this.#lengths = this.#lengths.filter((l) => l !== key.length);
    } else {
      lengthUses.set(key.length, uses);
    }
    this.size--;
    this.#memo?.reset(this.#memoCapacity());
    if (this.size === 0) {
      this.#list = [];
      this.#byHash = null;
      this.#lengthUses = null;
      this.#memo = null;
      this.#lengths = EMPTY_LENGTHS;
    }
  }

  #same(key: string, s: string): boolean {
    if (!this.#folded) return this.#reversed ? s.endsWith(key) : s.startsWith(key);
    const n = key.length;
    const offset = this.#reversed ? s.length - n : 0;
    for (let i = 0; i < n; i++)
      if (foldCode(key.charCodeAt(i)) !== foldCode(s.charCodeAt(offset + i))) return false;
    return true;
  }

  /** Pushes the entry's target when its key (already compared) and its kind accept `s`. */
  #accept(e: Entry<T>, s: string, out: TargetStack<T>): void {
    if (e.kind === PREFIX) out.push(e.target);
    else if (e.kind === EXACT) {
      if (e.key.length === s.length) out.push(e.target);
    } else if (wildcardMatches(e.program as WildcardProgram, s)) out.push(e.target);
  }

  #hit(h: number, length: number, s: string, out: TargetStack<T>): void {
    const bucket = (this.#byHash as Map<number | string, Bucket<T>>).get(h & SMALL_INT);
    if (bucket === undefined) return;
    if (!Array.isArray(bucket)) {
      if (bucket.key.length === length && this.#same(bucket.key, s)) this.#accept(bucket, s, out);
      return;
    }
    for (let b = 0; b < bucket.length; b++) {
      const e = bucket[b] as Entry<T>;
      if (e.key.length === length && this.#same(e.key, s)) this.#accept(e, s, out);
    }
  }

  /** Pushes onto `out` the target of every entry that matches `s`. */
  collect(s: string, out: TargetStack<T>): void {
    const key = this.#oneKey;
    if (key !== null) {
      if (key.length > s.length || !this.#same(key, s)) return;
      const kind = this.#oneKind;
      if (
        kind === PREFIX ||
        (kind === EXACT ? key.length === s.length : wildcardMatches(this.#oneProgram as WildcardProgram, s))
      ) {
        out.push(this.#oneTarget as T);
      }
      return;
    }
    const list = this.#list;
    if (list !== null) {
      for (let i = 0; i < list.length; i++) {
        const e = list[i] as Entry<T>;
        if (e.key.length <= s.length && this.#same(e.key, s)) this.#accept(e, s, out);
      }
      return;
    }
    const memo = this.#memo as RecentAnswers<readonly T[]>;
    const found = memo.lookup(s);
    if (found !== undefined) {
      for (let i = 0; i < found.length; i++) out.push(found[i] as T);
      return;
    }
    const base = out.top;
    this.#probe(s, out);
    if (memo.wants(s)) memo.remember(s, out.top === base ? NO_TARGETS : out.items.slice(base, out.top));
  }

  /** Pushes the targets of the hashed entries matching `s`: one probe per distinct key length. */
  #probe(s: string, out: TargetStack<T>): void {
    const lengths = this.#lengths;
    const count = lengths.length;
    const n = s.length;
    if (this.#plain) {
      const byKey = this.#byHash as Map<number | string, Bucket<T>>;
      for (let li = 0; li < count; li++) {
        const length = lengths[li] as number;
        if (length > n) return;
        const bucket = byKey.get(length === n ? s : s.slice(0, length));
        if (bucket === undefined) continue;
        if (!Array.isArray(bucket)) this.#accept(bucket, s, out);
        else for (let b = 0; b < bucket.length; b++) this.#accept(bucket[b] as Entry<T>, s, out);
      }
      return;
    }
    if (count === 0) return;
    let li = 0;
    let h = SEED;
    if (lengths[0] === 0) {
      this.#hit(h, 0, s, out);
      li = 1;
    }
    let next = li < count ? (lengths[li] as number) : n + 1;
    if (next > n) return;
    const reversed = this.#reversed;
    const folded = this.#folded;
    for (let i = 0; i < n && next <= n; i++) {
      let c = s.charCodeAt(reversed ? n - 1 - i : i);
      if (folded) c = foldCode(c);
      h = Math.imul(h ^ c, PRIME);
      if (i + 1 === next) {
        this.#hit(h, next, s, out);
        li++;
        next = li < count ? (lengths[li] as number) : n + 1;
      }
    }
  }
}
