/**
 * The in-memory offset → message index of one JetStream partition: per stored message its stream
 * sequence, offset range, payload bytes and largest timestamp, in offset order. Rebuilt on open
 * from a headers-only scan; retention drops entries from the front.
 */
import type { MessageMeta } from './log-message-meta.ts';

/** Messages of one partition in offset order. */
export class MessageIndex {
  #items: MessageMeta[] = [];
  /** Running maximum of maxTimestamp, so timestamp lookups can binary-search. */
  #runMax: number[] = [];
  #head = 0;
  #bytes = 0;

  /** Number of messages indexed. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Payload bytes of the indexed messages. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The i-th message from the front (0 = oldest kept). */
  at(i: number): MessageMeta | undefined {
    return i < 0 ? undefined : this.#items[this.#head + i];
  }

  /** The newest message. */
  last(): MessageMeta | undefined {
    return this.at(this.length - 1);
  }

  /** Adds the newest message. */
  push(meta: MessageMeta): void {
    const prev = this.#runMax[this.#runMax.length - 1] ?? Number.NEGATIVE_INFINITY;
    this.#items.push(meta);
    this.#runMax.push(Math.max(prev, meta.maxTimestamp));
    this.#bytes += meta.bytes;
  }

  /** Index (from the front) of the message holding `offset`, or -1. */
  findOffset(offset: number): number {
    let lo = this.#head;
    let hi = this.#items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.#items[mid]!;
      if (m.lastOffset < offset) lo = mid + 1;
      else if (m.baseOffset > offset) hi = mid - 1;
      else return mid - this.#head;
    }
    // Offsets are contiguous, except for what retention removed: return the next message then.
    return lo < this.#items.length ? lo - this.#head : -1;
  }

  /** Index (from the front) of the first message whose running max timestamp is >= `timestamp`, or -1. */
  findTimestamp(timestamp: number): number {
    let lo = this.#head;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#runMax[mid]! < timestamp) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.#items.length ? lo - this.#head : -1;
  }

  /** Drops the `count` oldest messages; returns their bytes. */
  dropFront(count: number): number {
    let freed = 0;
    for (let i = 0; i < count && this.#head < this.#items.length; i++) {
      freed += this.#items[this.#head]!.bytes;
      this.#head += 1;
    }
    this.#bytes -= freed;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#runMax = this.#runMax.slice(this.#head);
      this.#head = 0;
    }
    return freed;
  }

  /** Removes the messages with the given sequences from anywhere (compaction); returns their bytes. */
  removeSeqs(seqs: ReadonlySet<number>): number {
    const kept: MessageMeta[] = [];
    let freed = 0;
    for (let i = this.#head; i < this.#items.length; i++) {
      const m = this.#items[i]!;
      if (seqs.has(m.seq)) freed += m.bytes;
      else kept.push(m);
    }
    this.#items = [];
    this.#runMax = [];
    this.#head = 0;
    this.#bytes = 0;
    for (const m of kept) this.push(m);
    return freed;
  }

  /** Drops every message stored below stream sequence `seq` (removed by another node or by JetStream). */
  dropBeforeSeq(seq: number): number {
    let n = 0;
    while (n < this.length && this.at(n)!.seq < seq) n++;
    return this.dropFront(n);
  }
}
