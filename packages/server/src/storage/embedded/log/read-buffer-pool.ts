/**
 * Reusable buffers for large segment reads. A fetch answer is read into a buffer of a few MiB;
 * allocated fresh each time, those buffers are external memory that makes V8 run a full
 * mark-compact every few fetches (55 in a 4 s consume of 3M events, 28 % of the server's main
 * thread; docs/benchmarks.md). A reader that knows when it is done with the bytes hands the
 * buffer back and the next read reuses it.
 */

/** Reads below this get a plain buffer (Node pools small ones itself) and nothing to release. */
const MIN_POOLED_BYTES = 256 << 10;
/** Pooled buffers come in multiples of this, so answers of about one size share buffers. */
const STEP_BYTES = 256 << 10;

/** A buffer from the pool; `release`, when present, hands it back (at most once takes effect). */
export interface ReadLease {
  buf: Buffer;
  release?: () => void;
}

/** Free buffers by size, capped in total bytes held. */
export class ReadBufferPool {
  readonly #free = new Map<number, Buffer[]>();
  #heldBytes = 0;
  /** The most free memory the pool keeps; buffers handed back beyond it are dropped. */
  readonly maxHeldBytes: number;

  constructor(maxHeldBytes = 64 << 20) {
    this.maxHeldBytes = maxHeldBytes;
  }

  /** Free bytes held now. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /**
   * A buffer of at least `length` bytes (its contents are old data). Call `release` only when no
   * byte of it, or of any view on it, is used any more; not calling it is safe (the buffer is
   * left to the garbage collector).
   */
  take(length: number): ReadLease {
    if (length < MIN_POOLED_BYTES) return { buf: Buffer.allocUnsafe(length) };
    const size = Math.ceil(length / STEP_BYTES) * STEP_BYTES;
    const buf = this.#reuse(size) ?? Buffer.allocUnsafeSlow(size);
    let released = false;
    return {
      buf,
      release: () => {
        if (released) return;
        released = true;
        this.#give(buf);
      },
    };
  }

  /** The smallest free buffer of `size` up to twice that, taken off its list. */
  #reuse(size: number): Buffer | undefined {
    for (let s = size; s <= 2 * size; s += STEP_BYTES) {
      const buf = this.#free.get(s)?.pop();
      if (buf !== undefined) {
        this.#heldBytes -= s;
        return buf;
      }
    }
    return undefined;
  }

  #give(buf: Buffer): void {
    if (this.#heldBytes + buf.length > this.maxHeldBytes) return;
    const list = this.#free.get(buf.length);
    if (list === undefined) this.#free.set(buf.length, [buf]);
    else list.push(buf);
    this.#heldBytes += buf.length;
  }
}
