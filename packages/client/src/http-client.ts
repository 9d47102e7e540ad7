import { MEDIA, type SwitchyardError } from '@switchyard/protocol';
import { backoffDelay, type RetryOptions, resolveRetryOptions, sleep } from './backoff.ts';
import { errorFromResponse, isRetriable, neverSent, SwitchyardConnectionError } from './errors.ts';
import { NodeHttpTransport, type Transport, type TransportResponse } from './transport.ts';

/** The default server URL, the same as the CLI's. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Options of the HTTP client every SDK part shares. */
export interface HttpClientOptions {
  /** Base URL of the server; default `http://127.0.0.1:8080`. */
  url?: string;
  /** Retry policy for retriable failures (retriable error codes, 429/503, broken connections). */
  retry?: Partial<RetryOptions>;
  /** Gives up on a request after this long without an answer (ms); default 30 s. */
  requestTimeoutMs?: number;
  /** Headers sent with every request (for example authorization). */
  headers?: Record<string, string>;
  /** Replaces the HTTP transport, for tests. */
  transport?: Transport;
}

/** One call: JSON (`json`) or binary (`body` + `contentType`) in, the whole answer out. */
export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Added to the request timeout (long polls). */
  extraTimeoutMs?: number;
  /** Safe to resend after a broken connection; default true except for POST. */
  idempotent?: boolean;
  /** Overrides the client's retry policy for this call. */
  retry?: Partial<RetryOptions>;
  /** Narrows which retriable errors are resent (group errors, for example, need a rejoin instead). */
  retryIf?: (err: unknown) => boolean;
}

/** Sends JSON and binary requests, raises error answers as `SwitchyardError`, and retries what may succeed. */
export class HttpClient {
  readonly url: string;
  readonly retry: RetryOptions;
  #transport: Transport;
  #timeoutMs: number;
  #headers: Record<string, string>;

  constructor(options: HttpClientOptions = {}) {
    this.#transport = options.transport ?? new NodeHttpTransport(options.url ?? DEFAULT_URL);
    this.url = this.#transport.url;
    this.retry = resolveRetryOptions(options.retry);
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#headers = options.headers ?? {};
  }

  /** Sends a request and answers its parsed JSON body (undefined for an empty body). */
  async json<T>(options: RequestOptions): Promise<T> {
    const res = await this.request(options);
    if (res.body.length === 0) return undefined as T;
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /** Sends a request and answers the raw response; non-2xx answers throw. */
  async request(options: RequestOptions): Promise<TransportResponse> {
    const retry = options.retry === undefined ? this.retry : resolveRetryOptions(options.retry, this.retry);
    const idempotent = options.idempotent ?? options.method !== 'POST';
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(options);
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason ?? err;
        const again =
          attempt < retry.retries &&
          isRetriable(err) &&
          (options.retryIf?.(err) ?? true) &&
          (idempotent || !(err instanceof SwitchyardConnectionError) || neverSent(err));
        if (!again) throw err;
        await sleep(retryAfterMs(err) ?? backoffDelay(attempt, retry), options.signal);
      }
    }
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#transport.close();
  }

  async #once(o: RequestOptions): Promise<TransportResponse> {
    const headers: Record<string, string> = {
      ...this.#headers,
      accept: o.accept ?? MEDIA.json,
      ...o.headers,
    };
    let body = o.body;
    if (o.json !== undefined) {
      body = Buffer.from(JSON.stringify(o.json), 'utf8');
      headers['content-type'] = MEDIA.json;
    } else if (body !== undefined) {
      headers['content-type'] = o.contentType ?? 'application/octet-stream';
    }
    const path = o.path + queryString(o.query);
    let res: TransportResponse;
    try {
      res = await this.#transport.request({
        method: o.method,
        path,
        headers,
        body,
        timeoutMs: this.#timeoutMs + (o.extraTimeoutMs ?? 0),
        signal: o.signal,
      });
    } catch (err) {
      if (o.signal?.aborted) throw o.signal.reason ?? err;
      throw new SwitchyardConnectionError(this.url, err);
    }
    if (res.status >= 200 && res.status < 300) return res;
    const error = errorFromResponse(res.status, res.body, o.method, path);
    const after = Number(headerValue(res.headers['retry-after']));
    if (after > 0) Object.defineProperty(error, 'retryAfterMs', { value: after * 1000 });
    throw error;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function retryAfterMs(err: unknown): number | undefined {
  const ms = (err as Partial<SwitchyardError> & { retryAfterMs?: number }).retryAfterMs;
  return typeof ms === 'number' ? Math.min(ms, 30_000) : undefined;
}

/** `?a=1&b=2` for the defined entries of `query`, or ''. */
export function queryString(query: Record<string, string | number | undefined> | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
