/**
 * The most recent durable batches of a partition, kept in memory so a consumer at the end of the
 * log (a waiting long poll woken by an append) is answered without a file read: no thread-pool
 * hop and no syscall between "durable" and "sent". Bounded by bytes; older groups are dropped.
 */

interface TailChunk {
  /** Base offset of the first batch in `bytes`. */
  readonly firstOffset: number;
  /** Offset after the last record in `bytes`. */
  readonly nextOffset: number;
  /** Whole record batches, in offset order, offsets set. */
  readonly bytes: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Base offset of the batch at `p` (big-endian int64 at 0, below 2^53 by the log's invariants). */
function baseOffsetAt(buf: Buffer, p: number): number {
  return buf.readInt32BE(p) * 4294967296 + buf.readUInt32BE(p + 4);
}

/** Size of the batch at `p`: its length field plus the 12 bytes before it. */
function batchSizeAt(buf: Buffer, p: number): number {
  return buf.readInt32BE(p + 8) + 12;
}

/** Offset after the last record of the batch at `p`. */
function batchEndAt(buf: Buffer, p: number): number {
  return baseOffsetAt(buf, p) + buf.readInt32BE(p + 23) + 1;
}

/** Whole batches read from memory and the offset after them. */
export interface TailRead {
  data: Buffer;
  nextOffset: number;
}

/** An in-memory copy of the newest durable batches of one partition, up to `capacity` bytes. */
export class TailCache {
  readonly #capacity: number;
  readonly #chunks: TailChunk[] = [];
  #bytes = 0;

  constructor(capacityBytes: number) {
    this.#capacity = capacityBytes;
  }

  /** Lowest offset a read can be answered from (Infinity when empty). */
  get startOffset(): number {
    return this.#chunks[0]?.firstOffset ?? Number.POSITIVE_INFINITY;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Remembers batches that just became durable, directly after those already held (`firstOffset`
   * must be the previous chunk's `nextOffset`, or the cache starts over). Chunks larger than the
   * capacity are not kept.
   */
  add(bytes: Buffer, firstOffset: number, nextOffset: number): void {
    const last = this.#chunks[this.#chunks.length - 1];
    if (last !== undefined && last.nextOffset !== firstOffset) this.clear();
    if (bytes.length === 0) return;
    if (bytes.length > this.#capacity) {
      this.clear();
      return;
    }
    this.#chunks.push({ firstOffset, nextOffset, bytes });
    this.#bytes += bytes.length;
    while (this.#bytes > this.#capacity) this.#bytes -= this.#chunks.shift()!.bytes.length;
  }

  /** Forgets everything (the log's tail changed under the cache). */
  clear(): void {
    this.#chunks.length = 0;
    this.#bytes = 0;
  }

  /**
   * Whole batches from the one holding `offset` on, up to about `maxBytes` (at least one batch),
   * as a file read would return them; null when `offset` is not held.
   */
  read(offset: number, maxBytes: number): TailRead | null {
    const chunks = this.#chunks;
    if (chunks.length === 0 || offset < chunks[0]!.firstOffset) return null;
    let c = chunks.length - 1;
    while (c > 0 && chunks[c]!.firstOffset > offset) c--;
    if (offset >= chunks[c]!.nextOffset) return null;
    // Find the batch holding `offset` in chunk c.
    let buf = chunks[c]!.bytes;
    let p = 0;
    while (batchEndAt(buf, p) <= offset) p += batchSizeAt(buf, p);
    const parts: Buffer[] = [];
    let total = 0;
    let next = offset;
    for (;;) {
      let q = p;
      while (q < buf.length) {
        const n = batchSizeAt(buf, q);
        if (total + (q - p) + n > maxBytes && (total > 0 || q > p)) break;
        next = batchEndAt(buf, q);
        q += n;
      }
      if (q > p) {
        parts.push(p === 0 && q === buf.length ? buf : buf.subarray(p, q));
        total += q - p;
      }
      c++;
      if (q < buf.length || c >= chunks.length) break;
      buf = chunks[c]!.bytes;
      p = 0;
    }
    const data = parts.length === 1 ? parts[0]! : parts.length === 0 ? EMPTY : Buffer.concat(parts, total);
    return { data, nextOffset: next };
  }
}
