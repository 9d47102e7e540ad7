import { ERRORS, type ErrorCode, SwitchyardError } from '@switchyard/protocol';

/** The server could not be reached or the connection broke before an answer; always retriable. */
export class SwitchyardConnectionError extends Error {
  override readonly name = 'SwitchyardConnectionError';
  readonly retriable = true;
  /** The system error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, …) when there is one. */
  readonly code: string | undefined;
  /** The server URL that was tried. */
  readonly url: string;

  constructor(url: string, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    const what = typeof code === 'string' ? code : ((cause as Error | null)?.message ?? String(cause));
    super(`Cannot reach Switchyard at ${url} (${what}); check that the server runs and the URL is right`, {
      cause,
    });
    this.code = typeof code === 'string' ? code : undefined;
    this.url = url;
  }
}

/** True when retrying the call that threw `err` may succeed. */
export function isRetriable(err: unknown): boolean {
  return (
    (err instanceof SwitchyardError || err instanceof SwitchyardConnectionError) && err.retriable === true
  );
}

/** True for a connection error where the request certainly never reached the server. */
export function neverSent(err: unknown): boolean {
  return (
    err instanceof SwitchyardConnectionError && (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND')
  );
}

function isCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/**
 * Rebuilds the server's error from an error answer: the catalogue code, the server's message and
 * details. Answers without a known code (a proxy's 502 page, a newer server's code) map by status.
 */
export function errorFromResponse(
  status: number,
  body: Buffer,
  method: string,
  path: string,
): SwitchyardError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  const details =
    error?.details !== null && typeof error?.details === 'object'
      ? (error.details as Record<string, unknown>)
      : {};
  const message = typeof error?.message === 'string' ? error.message : undefined;
  if (isCode(error?.code))
    return new SwitchyardError(error.code, details, message === undefined ? undefined : { message });
  const text = message ?? body.toString('utf8', 0, Math.min(body.length, 200)).trim();
  const extra = { ...details, status, ...(error?.code === undefined ? {} : { serverCode: error.code }) };
  const reason = `HTTP ${status} from ${method} ${path}${text ? `: ${text}` : ''}`;
  if (status === 429 || status === 503 || status === 502 || status === 504) {
    return new SwitchyardError('SY_ERR_SERVER_OVERLOADED', { ...extra, reason });
  }
  if (status === 404) return new SwitchyardError('SY_ERR_REQUEST_NOT_FOUND', { ...extra, method, path });
  if (status >= 500) return new SwitchyardError('SY_ERR_SERVER_INTERNAL', { ...extra, reason });
  return new SwitchyardError('SY_ERR_REQUEST_INVALID', { ...extra, reason });
}
