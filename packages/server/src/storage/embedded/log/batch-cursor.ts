import { BATCH_HEADER_SIZE, batchProblem } from '@switchyard/protocol';
import { readInto } from './file-io.ts';

const CHUNK = 1 << 20;

/** What stopped a cursor: the end of the range, an incomplete batch, or a bad one. */
export type CursorStop = 'end' | 'torn' | 'corrupt';

/**
 * Walks the batches of a file range `[start, end)` in order, reading big chunks so each batch is
 * whole in `buf` at `pos`. With `verify` every batch is checked in full (CRC and record bounds);
 * without, only its framing. `buf` is reused between batches: copy what you keep. Used by recovery, compaction, timestamp search and producer replay.
 */
export class BatchCursor {
  readonly #fd: number;
  readonly #end: number;
  readonly #verify: boolean;
  #mem: Buffer = Buffer.alloc(0);
  #buf: Buffer = this.#mem;
  #bufStart: number;
  /** The buffer holding the current batch. */
  buf: Buffer = this.#buf;
  /** Position of the current batch in `buf`. */
  pos = 0;
  /** Size of the current batch in bytes. */
  size = 0;
  /** File position of the current batch (or where the walk stopped). */
  filePos: number;
  /** Why `next()` returned false. */
  stop: CursorStop = 'end';
  /** Reason when `stop` is `corrupt`. */
  problem = '';

  constructor(fd: number, start: number, end: number, verify: boolean) {
    this.#fd = fd;
    this.#end = end;
    this.#verify = verify;
    this.#bufStart = start;
    this.filePos = start;
    this.size = 0;
  }

  /** Moves to the next batch; false at the end or at a batch that is torn or corrupt. */
  async next(): Promise<boolean> {
    const at = this.filePos + this.size;
    this.filePos = at;
    this.size = 0;
    if (at >= this.#end) {
      this.stop = 'end';
      return false;
    }
    if (at + BATCH_HEADER_SIZE > this.#bufStart + this.#buf.length) await this.#fill(at, BATCH_HEADER_SIZE);
    let p = at - this.#bufStart;
    if (p + BATCH_HEADER_SIZE > this.#buf.length) return this.#halt('torn', 'truncated header');
    const size = this.#buf.readInt32BE(p + 8) + 12;
    if (size < BATCH_HEADER_SIZE || this.#buf[p + 16] !== 2) {
      const zero = this.#buf.readInt32BE(p + 8) === 0 && this.#buf.readInt32BE(p) === 0;
      return this.#halt(zero ? 'end' : 'corrupt', `bad batch framing at byte ${at}`);
    }
    if (at + size > this.#end) return this.#halt('torn', `batch at byte ${at} runs past the end`);
    if (p + size > this.#buf.length) {
      await this.#fill(at, size);
      p = at - this.#bufStart;
      if (p + size > this.#buf.length) return this.#halt('torn', `batch at byte ${at} is incomplete`);
    }
    if (this.#verify) {
      const problem = batchProblem(this.#buf, p, p + size);
      if (problem !== null) return this.#halt('corrupt', problem);
    }
    this.buf = this.#buf;
    this.pos = p;
    this.size = size;
    return true;
  }

  #halt(stop: CursorStop, problem: string): false {
    this.stop = stop;
    this.problem = problem;
    return false;
  }

  async #fill(at: number, need: number): Promise<void> {
    const length = Math.min(Math.max(CHUNK, need), this.#end - at);
    if (this.#mem.length < length) this.#mem = Buffer.allocUnsafe(Math.max(length, CHUNK));
    const n = await readInto(this.#fd, this.#mem, 0, length, at);
    this.#bufStart = at;
    this.#buf = this.#mem.subarray(0, n);
  }
}
