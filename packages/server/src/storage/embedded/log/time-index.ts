/** Bytes of one `.timeindex` entry: timestamp i64 + relative offset i32, big-endian. */
export const TIME_INDEX_ENTRY = 12;

/**
 * The time index of one segment: entries (T, rel) meaning "every record below relative offset
 * `rel` has a timestamp <= T", with T strictly increasing. Written beside offset-index entries (so
 * `rel` is always an indexed batch, or the segment end for the final entry written at roll), it
 * turns a timestamp into a place to start scanning.
 */
export class TimeIndex {
  #ts = new Float64Array(32);
  #rel = new Int32Array(32);
  #count = 0;
  /** Entries already written to the file. */
  persisted = 0;

  /** Entries from `.timeindex` bytes, stopping at a torn or non-increasing tail. */
  static decode(bytes: Buffer): TimeIndex {
    const index = new TimeIndex();
    const n = Math.floor(bytes.length / TIME_INDEX_ENTRY);
    for (let i = 0; i < n; i++) {
      const at = i * TIME_INDEX_ENTRY;
      const ts = bytes.readInt32BE(at) * 4294967296 + bytes.readUInt32BE(at + 4);
      const rel = bytes.readInt32BE(at + 8);
      if (index.#count > 0 && (ts <= index.lastTimestamp || rel < index.lastRel)) break;
      if (rel < 0) break;
      index.append(ts, rel);
    }
    index.persisted = index.#count;
    return index;
  }

  /** Number of entries. */
  get count(): number {
    return this.#count;
  }

  /** Timestamp of the last entry, or -Infinity. */
  get lastTimestamp(): number {
    return this.#count === 0 ? Number.NEGATIVE_INFINITY : this.#ts[this.#count - 1]!;
  }

  /** Relative offset of the last entry, or 0. */
  get lastRel(): number {
    return this.#count === 0 ? 0 : this.#rel[this.#count - 1]!;
  }

  /** Adds an entry after the last one. */
  append(timestamp: number, rel: number): void {
    if (this.#count === this.#ts.length) {
      const ts2 = new Float64Array(this.#count * 2);
      const rel2 = new Int32Array(this.#count * 2);
      ts2.set(this.#ts);
      rel2.set(this.#rel);
      this.#ts = ts2;
      this.#rel = rel2;
    }
    this.#ts[this.#count] = timestamp;
    this.#rel[this.#count] = rel;
    this.#count++;
  }

  /** Keeps the entries whose relative offset is <= `rel`. */
  truncateAfter(rel: number): void {
    while (this.#count > 0 && this.#rel[this.#count - 1]! > rel) this.#count--;
    this.persisted = Math.min(this.persisted, this.#count);
  }

  /** Relative offset below which every record is older than `timestamp` (0 when none is known). */
  scanStart(timestamp: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ts[mid]! < timestamp) {
        found = this.#rel[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** File bytes of entries `[from, count)`. */
  encode(from = 0): Buffer {
    const out = Buffer.allocUnsafe((this.#count - from) * TIME_INDEX_ENTRY);
    for (let i = from; i < this.#count; i++) {
      const at = (i - from) * TIME_INDEX_ENTRY;
      const ts = this.#ts[i]!;
      const hi = Math.floor(ts / 4294967296);
      out.writeInt32BE(hi, at);
      out.writeUInt32BE(ts - hi * 4294967296, at + 4);
      out.writeInt32BE(this.#rel[i]!, at + 8);
    }
    return out;
  }
}
