/** The time source and one-shot scheduler the coordinator uses; injected so tests control time. */
export interface Timer {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, fn: () => void): () => void;
}

/** The real clock; its timers do not keep the process alive. */
export const systemTimer: Timer = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/** A timer that moves only when told to: `advance(ms)` runs what falls due, in time order. */
export class ManualTimer implements Timer {
  #now: number;
  #tasks: { due: number; seq: number; fn: () => void }[] = [];
  #seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const task = { due: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn };
    this.#tasks.push(task);
    return () => {
      this.#tasks = this.#tasks.filter((t) => t !== task);
    };
  }

  /** Moves time forward by `ms`, running each task that falls due at its own time. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = this.#tasks.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.#tasks = this.#tasks.filter((t) => t !== next);
      this.#now = next.due;
      next.fn();
    }
    this.#now = end;
  }

  /** Number of scheduled tasks not yet run or cancelled. */
  get pending(): number {
    return this.#tasks.length;
  }
}
