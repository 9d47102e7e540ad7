/**
 * The exact-value index shared by every transition of the rule automaton. Each value some exact condition names
 * gets a small integer id (one table for the whole automaton, so it stays small and warm in cache), and one
 * open-addressing table in an Int32Array maps (transition, value id) to the next state. Matching an event looks
 * a leaf's value up once, then each exact transition costs one probe in a flat table instead of a hash map per
 * state.
 */
import type { Leaf } from './value-tests.ts';

const NULL_ID = 0;
const FALSE_ID = 1;
const TRUE_ID = 2;

/** Interned ids of the exact values in use, reference counted. */
export class ValueIds {
  readonly #strings = new Map<string, number>();
  readonly #numbers = new Map<number, number>();
  #refs = new Int32Array(64);
  #next = 3;
  readonly #free: number[] = [];

  /** The id of a value, or -1 when no condition names it. */
  idOf(value: Leaf): number {
    if (typeof value === 'string') return this.#strings.get(value) ?? -1;
    if (typeof value === 'number') return this.#numbers.get(value) ?? -1;
    return value === null ? NULL_ID : value ? TRUE_ID : FALSE_ID;
  }

  /** The id of a value, created on first use; call release() once per acquire(). */
  acquire(value: Leaf): number {
    let id = this.idOf(value);
    if (id < 0) {
      id = this.#free.pop() ?? this.#next++;
      if (id >= this.#refs.length) {
        const grown = new Int32Array(this.#refs.length * 2);
        grown.set(this.#refs);
        this.#refs = grown;
      }
      if (typeof value === 'string') this.#strings.set(value, id);
      else this.#numbers.set(value as number, id);
    }
    this.#refs[id] = (this.#refs[id] as number) + 1;
    return id;
  }

  /** Drops one use of a value; an unused string or number gives its id back. */
  release(value: Leaf): void {
    const id = this.idOf(value);
    if (id < 0) return;
    const refs = (this.#refs[id] as number) - 1;
    this.#refs[id] = refs;
    if (refs > 0 || id <= TRUE_ID) return;
    if (typeof value === 'string') this.#strings.delete(value);
    else this.#numbers.delete(value as number);
    this.#free.push(id);
  }
}

const EMPTY = -1;
const STRIDE = 4;

/**
 * A map from (key, value id) pairs of non-negative integers to integers, open addressing with linear
 * probing and backward-shift deletion; one slot is four words (key, value id, target, unused) so a probe
 * reads one cache line.
 */
export class PairTable {
  #slots = new Int32Array(64 * STRIDE).fill(EMPTY);
  #mask = 63;
  #size = 0;

  /** Number of pairs. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.#slots.byteLength;
  }

  /** The target stored for a pair, or -1. */
  get(key: number, id: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = hash(key, id) & mask; ; i = (i + 1) & mask) {
      const at = i * STRIDE;
      const k = slots[at] as number;
      if (k === key && slots[at + 1] === id) return slots[at + 2] as number;
      if (k === EMPTY) return -1;
    }
  }

  /** Stores (or replaces) the target of a pair. */
  set(key: number, id: number, target: number): void {
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow();
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = hash(key, id) & mask; ; i = (i + 1) & mask) {
      const at = i * STRIDE;
      const k = slots[at] as number;
      if (k === EMPTY) {
        slots[at] = key;
        slots[at + 1] = id;
        slots[at + 2] = target;
        this.#size++;
        return;
      }
      if (k === key && slots[at + 1] === id) {
        slots[at + 2] = target;
        return;
      }
    }
  }

  /** Removes a pair, if present. */
  delete(key: number, id: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hash(key, id) & mask;
    for (; ; i = (i + 1) & mask) {
      const k = slots[i * STRIDE] as number;
      if (k === EMPTY) return;
      if (k === key && slots[i * STRIDE + 1] === id) break;
    }
    this.#size--;
    // Backward shift: move later entries of the probe run into the hole so lookups never stop early.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const at = j * STRIDE;
      const k = slots[at] as number;
      if (k === EMPTY) break;
      const home = hash(k, slots[at + 1] as number) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots.copyWithin(i * STRIDE, at, at + STRIDE);
        i = j;
      }
    }
    slots[i * STRIDE] = EMPTY;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2).fill(EMPTY);
    this.#mask = this.#mask * 2 + 1;
    this.#size = 0;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at] !== EMPTY) this.set(old[at] as number, old[at + 1] as number, old[at + 2] as number);
    }
  }
}

function hash(key: number, id: number): number {
  const h = Math.imul(key, 0x9e3779b1) ^ Math.imul(id + 0x7f4a7c15, 0x85ebca77);
  return (h ^ (h >>> 15)) >>> 0;
}
