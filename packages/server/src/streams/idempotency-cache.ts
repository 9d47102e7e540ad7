/**
 * Remembers the answers to produce requests that carried an `Idempotency-Key`, for a window, so
 * a retried request gets the first answer instead of writing again. A retry that arrives while
 * the first attempt is still running waits for it. Held in memory: the window does not survive a
 * restart (producer idempotence, which lives in the log, does).
 */
export class IdempotencyCache<T> {
  readonly #entries = new Map<string, { expires: number; result: Promise<T> }>();
  readonly #windowMs: number;
  readonly #maxEntries: number;

  constructor(windowMs: number, maxEntries = 100_000) {
    this.#windowMs = windowMs;
    this.#maxEntries = maxEntries;
  }

  /** Runs `work` once per key within the window; later calls with the key get the same result. */
  run(key: string, now: number, work: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.expires > now) return hit.result;
    this.#evict(now);
    const result = work();
    this.#entries.set(key, { expires: now + this.#windowMs, result });
    // A failed attempt must not be replayed to the retry: forget it so the retry runs again.
    result.catch(() => {
      if (this.#entries.get(key)?.result === result) this.#entries.delete(key);
    });
    return result;
  }

  #evict(now: number): void {
    // Map iteration is insertion order, which is expiry order (one window for all).
    for (const [key, entry] of this.#entries) {
      if (entry.expires > now && this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
