/** Bytes of one `.index` entry: relative offset i32 + file position i32, big-endian. */
export const OFFSET_INDEX_ENTRY = 8;

/**
 * The sparse offset index of one segment, held in memory and mirrored to its `.index` file: an
 * entry per `indexIntervalBytes` of log, mapping the relative base offset of a batch to its file
 * position. Entries are strictly increasing in both fields.
 */
export class OffsetIndex {
  #rel = new Int32Array(64);
  #pos = new Int32Array(64);
  #count = 0;
  /** Entries already written to the file. */
  persisted = 0;

  /** Entries from `.index` bytes, stopping at a torn or non-increasing tail. */
  static decode(bytes: Buffer): OffsetIndex {
    const index = new OffsetIndex();
    const n = Math.floor(bytes.length / OFFSET_INDEX_ENTRY);
    for (let i = 0; i < n; i++) {
      const rel = bytes.readInt32BE(i * OFFSET_INDEX_ENTRY);
      const pos = bytes.readInt32BE(i * OFFSET_INDEX_ENTRY + 4);
      if (index.#count > 0 && (rel <= index.lastRel || pos <= index.lastPosition)) break;
      if (rel <= 0 || pos <= 0) break;
      index.append(rel, pos);
    }
    index.persisted = index.#count;
    return index;
  }

  /** Number of entries. */
  get count(): number {
    return this.#count;
  }

  /** Relative offset of the last entry, or 0. */
  get lastRel(): number {
    return this.#count === 0 ? 0 : this.#rel[this.#count - 1]!;
  }

  /** Position of the last entry, or 0. */
  get lastPosition(): number {
    return this.#count === 0 ? 0 : this.#pos[this.#count - 1]!;
  }

  /** Relative offset of entry `i`. */
  relAt(i: number): number {
    return this.#rel[i]!;
  }

  /** File position of entry `i`. */
  positionAt(i: number): number {
    return this.#pos[i]!;
  }

  /** Adds an entry after the last one. */
  append(rel: number, position: number): void {
    if (this.#count === this.#rel.length) {
      const rel2 = new Int32Array(this.#count * 2);
      const pos2 = new Int32Array(this.#count * 2);
      rel2.set(this.#rel);
      pos2.set(this.#pos);
      this.#rel = rel2;
      this.#pos = pos2;
    }
    this.#rel[this.#count] = rel;
    this.#pos[this.#count] = position;
    this.#count++;
  }

  /** Keeps the first `n` entries. */
  truncate(n: number): void {
    this.#count = Math.min(this.#count, n);
    this.persisted = Math.min(this.persisted, this.#count);
  }

  /** Position of the last indexed batch whose relative base offset is <= `rel` (0 when none). */
  lookup(rel: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#rel[mid]! <= rel) {
        found = this.#pos[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** File bytes of entries `[from, count)`. */
  encode(from = 0): Buffer {
    const out = Buffer.allocUnsafe((this.#count - from) * OFFSET_INDEX_ENTRY);
    for (let i = from; i < this.#count; i++) {
      out.writeInt32BE(this.#rel[i]!, (i - from) * OFFSET_INDEX_ENTRY);
      out.writeInt32BE(this.#pos[i]!, (i - from) * OFFSET_INDEX_ENTRY + 4);
    }
    return out;
  }
}
