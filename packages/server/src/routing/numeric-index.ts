/**
 * Numeric ranges of one field, indexed for stabbing queries: sorted by lower bound with a running maximum of the
 * upper bounds, so a query scans back only over ranges that can still contain the value. Rebuilt lazily after
 * changes (one sort per burst of adds), never on the match path unless something changed. A few ranges are
 * simply scanned.
 */
import type { TargetStack } from './field-matcher.ts';
import { inRange } from './value-tests.ts';

interface RangeEntry<T> {
  readonly low: number;
  readonly lowOpen: boolean;
  readonly high: number;
  readonly highOpen: boolean;
  readonly target: T;
}

/** Most ranges scanned one by one; with more the index is sorted. */
const SMALL = 8;

const NO_HIGHS = new Float64Array(0);

/** A set of numeric ranges, each with a target. */
export class NumericIndex<T> {
  #entries: RangeEntry<T>[] = [];
  #sorted = true;
  #maxHigh: Float64Array = NO_HIGHS;
  // A lone range's bounds and target, copied here so that the common one-range index reads no list.
  #oneTarget: T | null = null;
  #oneLow = 0;
  #oneHigh = 0;
  #oneLowOpen = false;
  #oneHighOpen = false;

  #copyLone(): void {
    const lone = this.#entries.length === 1 ? (this.#entries[0] as RangeEntry<T>) : null;
    this.#oneTarget = lone?.target ?? null;
    this.#oneLow = lone?.low ?? 0;
    this.#oneHigh = lone?.high ?? 0;
    this.#oneLowOpen = lone?.lowOpen ?? false;
    this.#oneHighOpen = lone?.highOpen ?? false;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Adds a range. */
  add(low: number, lowOpen: boolean, high: number, highOpen: boolean, target: T): void {
    // Copied while short: exact capacity for the many one-range indexes.
    const entry = { low, lowOpen, high, highOpen, target };
    if (this.#entries.length < SMALL) this.#entries = [...this.#entries, entry];
    else this.#entries.push(entry);
    this.#copyLone();
    this.#sorted = false;
  }

  /** Removes a range added with the same bounds and target. */
  remove(low: number, lowOpen: boolean, high: number, highOpen: boolean, target: T): void {
    const i = this.#entries.findIndex(
      (e) =>
        e.target === target &&
        e.low === low &&
        e.high === high &&
        e.lowOpen === lowOpen &&
        e.highOpen === highOpen,
    );
    if (i >= 0) {
      this.#entries.splice(i, 1);
      this.#sorted = false;
      this.#copyLone();
    }
  }

  #rebuild(): void {
    this.#entries.sort((a, b) => a.low - b.low);
    this.#maxHigh = new Float64Array(this.#entries.length);
    let max = -Infinity;
    this.#entries.forEach((e, i) => {
      if (e.high > max) max = e.high;
      this.#maxHigh[i] = max;
    });
    this.#sorted = true;
  }

  /** Pushes onto `out` the target of every range containing `x`. */
  collect(x: number, out: TargetStack<T>): void {
    if (this.#oneTarget !== null) {
      const low = this.#oneLow;
      const high = this.#oneHigh;
      if ((this.#oneLowOpen ? x > low : x >= low) && (this.#oneHighOpen ? x < high : x <= high)) {
        out.push(this.#oneTarget);
      }
      return;
    }
    const entries = this.#entries;
    if (entries.length <= SMALL) {
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i] as RangeEntry<T>;
        if (inRange(e, x)) out.push(e.target);
      }
      return;
    }
    if (!this.#sorted) this.#rebuild();
    // Last entry whose lower bound is <= x.
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((entries[mid] as RangeEntry<T>).low <= x) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && (this.#maxHigh[i] as number) >= x; i--) {
      const e = entries[i] as RangeEntry<T>;
      if (inRange(e, x)) out.push(e.target);
    }
  }
}
