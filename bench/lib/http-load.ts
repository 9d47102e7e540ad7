/**
 * A lean HTTP client for load: keep-alive `node:http` agent, raw Buffer bodies in and out, no
 * retries, no per-call objects beyond what node:http needs. Non-2xx answers reject.
 */
import http from 'node:http';

/** A whole answer. */
export interface LoadResponse {
  status: number;
  body: Buffer;
}

/** Keep-alive requests to one server. */
export class LoadClient {
  readonly #host: string;
  readonly #port: number;
  readonly #agent: http.Agent;

  constructor(url: string, maxSockets: number) {
    const u = new URL(url);
    this.#host = u.hostname;
    this.#port = Number(u.port);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Sends one request; rejects on a network error, a non-2xx status or after `timeoutMs`. */
  request(
    method: string,
    path: string,
    body: Buffer | null,
    headers: Record<string, string>,
    timeoutMs = 60_000,
  ): Promise<LoadResponse> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string | number> = { ...headers };
      if (body !== null) h['content-length'] = body.length;
      const req = http.request(
        { host: this.#host, port: this.#port, method, path, headers: h, agent: this.#agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve({ status, body: out });
            else reject(new Error(`${method} ${path}: HTTP ${status} ${out.toString('utf8', 0, 300)}`));
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () =>
        req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  }

  /** POSTs JSON and parses a JSON answer (undefined for an empty one). */
  async json<T>(path: string, value: unknown): Promise<T> {
    const res = await this.request('POST', path, Buffer.from(JSON.stringify(value)), {
      'content-type': 'application/json',
    });
    return (res.body.length === 0 ? undefined : JSON.parse(res.body.toString('utf8'))) as T;
  }

  /** Closes idle sockets. */
  close(): void {
    this.#agent.destroy();
  }
}

/**
 * Runs `total` calls of `send(i)` with at most `inFlight` at once (a closed loop); stops early
 * when `deadline` (performance.now() ms) passes. Resolves with the number completed.
 */
export async function closedLoop(
  total: number,
  inFlight: number,
  deadline: number,
  send: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total && performance.now() < deadline) {
      const i = next++;
      await send(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  return done;
}
