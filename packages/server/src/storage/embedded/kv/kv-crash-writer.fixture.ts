/**
 * Child process of the kill -9 test: opens the store in argv[2] and runs compare-and-set writers
 * forever, printing `ack <key> <revision> <counter>` only after each write resolved (was durable).
 */
import { isSwitchyardError } from '@switchyard/protocol';
import { EmbeddedKvStore } from './embedded-kv-store.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: kv-crash-writer <dir>');
const store = await EmbeddedKvStore.open({ dir, compactBytes: 64 * 1024 });
const padding = 'x'.repeat(80);

async function writer(key: string): Promise<never> {
  for (;;) {
    const current = await store.get(key);
    const counter = current === undefined ? 0 : Number(current.value.toString().split(':')[0]) + 1;
    const value = Buffer.from(`${counter}:${padding}`);
    try {
      const rev =
        current === undefined
          ? await store.create(key, value)
          : await store.update(key, value, current.revision);
      process.stdout.write(`ack ${key} ${rev} ${counter}\n`);
    } catch (err) {
      if (!isSwitchyardError(err, 'SY_ERR_STORAGE_CONFLICT')) throw err;
    }
  }
}

process.stdout.write('ready\n');
// Own keys never conflict; the shared one races all writers.
await Promise.all([writer('own/0'), writer('own/1'), writer('own/2'), writer('shared'), writer('shared')]);
