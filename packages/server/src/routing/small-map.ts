/**
 * A map that keeps its first entry in its own fields and only further entries in a Map. The rule automaton has
 * a few such maps per transition (its conditions, its exact values) and most hold one entry: a Map costs about
 * 180 bytes even then.
 */
export class SmallMap<K, V> {
  #key: K | undefined = undefined;
  #value: V | undefined = undefined;
  #inline = false;
  #more: Map<K, V> | null = null;

  /** Number of entries. */
  get size(): number {
    return (this.#inline ? 1 : 0) + (this.#more?.size ?? 0);
  }

  /** The value of a key, or undefined. */
  get(key: K): V | undefined {
    if (this.#inline && this.#key === key) return this.#value;
    return this.#more?.get(key);
  }

  /** Sets the value of a key. */
  set(key: K, value: V): void {
    if (this.#inline && this.#key === key) this.#value = value;
    else if (!this.#inline && this.#more?.has(key) !== true) {
      this.#key = key;
      this.#value = value;
      this.#inline = true;
    } else {
      this.#more ??= new Map();
      this.#more.set(key, value);
    }
  }

  /** Removes a key; false when it was absent. */
  delete(key: K): boolean {
    if (this.#inline && this.#key === key) {
      this.#inline = false;
      this.#key = undefined;
      this.#value = undefined;
      return true;
    }
    return this.#more?.delete(key) ?? false;
  }

  /** The entries, the inline one first. */
  *entries(): IterableIterator<[K, V]> {
    if (this.#inline) yield [this.#key as K, this.#value as V];
    if (this.#more !== null) yield* this.#more.entries();
  }

  /** The keys. */
  *keys(): IterableIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  /** The values. */
  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }
}
