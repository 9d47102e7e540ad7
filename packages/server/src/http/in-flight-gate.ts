import { syError } from '@switchyard/protocol';

/**
 * Backpressure for writes: admits requests while the bytes of those in flight stay under a limit,
 * and answers the rest with a retriable `SY_ERR_SERVER_OVERLOADED` (503) instead of queueing
 * without bound. One request is always admitted, so a single large one cannot starve.
 */
export class InFlightGate {
  readonly #limitBytes: number;
  #bytes = 0;
  #requests = 0;

  constructor(limitBytes: number) {
    this.#limitBytes = limitBytes;
  }

  /** Bytes currently admitted. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Admits `bytes` or throws; call the returned function exactly once when done. */
  enter(bytes: number): () => void {
    if (this.#requests > 0 && this.#bytes + bytes > this.#limitBytes) {
      throw syError('SY_ERR_SERVER_OVERLOADED', {
        reason: `${this.#bytes} bytes of writes in flight, limit ${this.#limitBytes} (maxInFlightBytes)`,
      });
    }
    this.#bytes += bytes;
    this.#requests++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#bytes -= bytes;
      this.#requests--;
    };
  }
}
