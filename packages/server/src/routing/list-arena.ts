/**
 * Many small growable lists of fixed-width integer records in one Int32Array. A list lives in a block of
 * 2^k records; a full list moves to a block twice as large and its old block is reused by the next list of
 * that size. The rule automaton keeps its states' transitions and rules here: a list is contiguous memory
 * (one or two cache lines for a typical state) and the garbage collector never walks it.
 */

/**
 * A list is described by three consecutive words in its owner's table (`slot`): offset in words (-1 for a list
 * that never had a block), length in records, capacity class (room for 2^class records).
 */
const OFFSET = 0;
const LENGTH = 1;
const CAP = 2;

/** Growable lists of `width`-word records in one typed array. */
export class ListArena {
  /** The words of every list; replaced (not resized in place) when the arena grows. */
  data = new Int32Array(1024);
  readonly width: number;
  #end = 0;
  readonly #free: number[][] = [];

  /** `width` words per record. */
  constructor(width: number) {
    this.width = width;
  }

  /**
   * Appends a record to the list whose slot is `table[slot..slot+2]` and returns the word offset to write it
   * at; a full list first moves to a block twice as large. The table may be this arena's own words.
   */
  append(given: Int32Array, slot: number): number {
    let table = given;
    const offset = table[slot + OFFSET] as number;
    const length = table[slot + LENGTH] as number;
    const cap = table[slot + CAP] as number;
    if (offset < 0 || length === 1 << cap) {
      const bigger = offset < 0 ? 0 : cap + 1;
      const before = this.data;
      const moved = this.allocate(bigger);
      if (table === before) table = this.data;
      if (offset >= 0) {
        this.data.copyWithin(moved, offset, offset + length * this.width);
        this.#release(offset, cap);
      }
      table[slot + OFFSET] = moved;
      table[slot + CAP] = bigger;
    }
    table[slot + LENGTH] = length + 1;
    return (table[slot + OFFSET] as number) + length * this.width;
  }

  /** Removes record `index` of a list, keeping the order of the others; an emptied list gives its block back. */
  removeAt(table: Int32Array, slot: number, index: number): void {
    const offset = table[slot + OFFSET] as number;
    const length = table[slot + LENGTH] as number;
    const w = this.width;
    const at = offset + index * w;
    this.data.copyWithin(at, at + w, offset + length * w);
    table[slot + LENGTH] = length - 1;
    if (length === 1) {
      this.#release(offset, table[slot + CAP] as number);
      table[slot + OFFSET] = -1;
      table[slot + CAP] = 0;
    }
  }

  /** A free block of 2^cap records (its words are not cleared); returns its word offset. */
  allocate(cap: number): number {
    const reused = this.#free[cap]?.pop();
    if (reused !== undefined) return reused;
    const words = (1 << cap) * this.width;
    if (this.#end + words > this.data.length) {
      const grown = new Int32Array(Math.max(this.data.length * 2, this.#end + words));
      grown.set(this.data);
      this.data = grown;
    }
    const offset = this.#end;
    this.#end += words;
    return offset;
  }

  #release(offset: number, cap: number): void {
    let list = this.#free[cap];
    if (list === undefined) {
      list = [];
      this.#free[cap] = list;
    }
    list.push(offset);
  }
}
