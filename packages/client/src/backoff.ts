/** How a failed call is retried: attempts and an exponential delay with jitter. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  retries: number;
  /** Delay before the first retry (ms). */
  initialMs: number;
  /** Upper bound of any one delay (ms). */
  maxMs: number;
  /** Growth factor per attempt. */
  multiplier: number;
}

/** Defaults for admin and consumer calls: 6 retries, 100 ms doubling up to 5 s (about 10 s in all). */
export const DEFAULT_RETRY: Readonly<RetryOptions> = {
  retries: 6,
  initialMs: 100,
  maxMs: 5000,
  multiplier: 2,
};

/** Fills missing retry fields from `base` and checks them. */
export function resolveRetryOptions(
  given: Partial<RetryOptions> | undefined,
  base: Readonly<RetryOptions> = DEFAULT_RETRY,
): RetryOptions {
  const o = { ...base, ...given };
  if (!(o.retries >= 0)) throw new RangeError(`retry.retries must be >= 0, got ${o.retries}`);
  if (!(o.initialMs >= 0)) throw new RangeError(`retry.initialMs must be >= 0, got ${o.initialMs}`);
  if (!(o.maxMs >= o.initialMs))
    throw new RangeError(`retry.maxMs must be >= retry.initialMs, got ${o.maxMs}`);
  if (!(o.multiplier >= 1)) throw new RangeError(`retry.multiplier must be >= 1, got ${o.multiplier}`);
  return o;
}

/**
 * The delay before retry number `attempt` (0-based): an exponential ceiling with "equal jitter",
 * half fixed and half random. The fixed half keeps a floor so a struggling server is not hit again at
 * once; the random half spreads many clients that failed together.
 */
export function backoffDelay(
  attempt: number,
  o: Readonly<RetryOptions>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(o.maxMs, o.initialMs * o.multiplier ** attempt);
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
