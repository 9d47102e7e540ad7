/**
 * The contract every LogStore adapter must keep. Adapter-neutral: it speaks only through the port
 * (no files, no segments), so the embedded engine and the JetStream adapter run the same checks.
 * Usage, in an adapter's test file:
 *   runLogStoreContract('embedded', async () => ({ store, reopen, cleanup }));
 */
import { describe } from 'node:test';
import { registerBasics, registerIdempotence } from './log-contract-append.ts';
import { registerCleaning, registerLifecycle } from './log-contract-lifecycle.ts';
import type { Factory } from './log-contract-support.ts';

export {
  CONTRACT_CONFIG,
  type LogStoreFixture,
  readAll,
  recordsFrom,
  T0,
  textBatch,
} from './log-contract-support.ts';

/** Registers the LogStore contract tests under `describe(name)`. */
export function runLogStoreContract(name: string, makeStore: Factory): void {
  describe(`LogStore contract: ${name}`, () => {
    registerBasics(makeStore);
    registerIdempotence(makeStore);
    registerLifecycle(makeStore);
    registerCleaning(makeStore);
  });
}
