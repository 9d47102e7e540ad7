import type { PartitionLog } from '../storage/log-store.ts';

/**
 * Resolves when any of `logs` gets an append, or after `timeoutMs`, or when `signal` aborts.
 * `ready()` is checked after subscribing, so an append between the caller's read and the
 * subscription is not missed.
 */
export function waitForAppend(
  logs: readonly PartitionLog[],
  timeoutMs: number,
  ready: () => boolean,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const unsubscribers: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      for (const u of unsubscribers) u();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    for (const log of logs) unsubscribers.push(log.onAppend(done));
    if (ready() || signal?.aborted) {
      done();
      return;
    }
    signal?.addEventListener('abort', done, { once: true });
    timer = setTimeout(done, timeoutMs);
  });
}
