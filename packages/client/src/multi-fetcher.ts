import {
  decodeFetchFrames,
  type FetchFrame,
  type FetchPosition,
  MEDIA,
  type MultiFetchRequest,
  PATHS,
} from '@switchyard/protocol';
import type { HttpClient } from './http-client.ts';

/**
 * Long-poll fetches of many partitions in one binary request (`POST /v1/fetch`). The order of the
 * positions rotates from call to call: the server fills its byte budget in request order, so a
 * fixed order would starve the last partitions.
 */
export class MultiFetcher {
  #http: HttpClient;
  #maxWaitMs: number;
  #maxBytes: number | undefined;
  #rotate = 0;
  #abort: AbortController | undefined;

  constructor(http: HttpClient, maxWaitMs: number, maxBytes?: number) {
    this.#http = http;
    this.#maxWaitMs = maxWaitMs;
    this.#maxBytes = maxBytes;
  }

  /** Fetches from the positions, waiting up to `maxWaitMs` for data; answers [] when aborted. */
  async fetch(positions: readonly FetchPosition[]): Promise<FetchFrame[]> {
    if (positions.length === 0) return [];
    const start = this.#rotate++ % positions.length;
    const body: MultiFetchRequest = {
      positions: [...positions.slice(start), ...positions.slice(0, start)],
      maxWaitMs: this.#maxWaitMs,
      ...(this.#maxBytes === undefined ? {} : { maxBytes: this.#maxBytes }),
    };
    const ac = new AbortController();
    this.#abort = ac;
    try {
      const res = await this.#http.request({
        method: 'POST',
        path: PATHS.fetch,
        json: body,
        accept: MEDIA.recordBatches,
        signal: ac.signal,
        extraTimeoutMs: this.#maxWaitMs,
        idempotent: true,
      });
      return decodeFetchFrames(res.body);
    } catch (err) {
      if (ac.signal.aborted) return [];
      throw err;
    } finally {
      if (this.#abort === ac) this.#abort = undefined;
    }
  }

  /** Ends a fetch in flight at once (its answer is dropped). */
  abort(): void {
    this.#abort?.abort();
  }
}
