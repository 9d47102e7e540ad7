import type { ProducerIdResponse } from '@switchyard/protocol';
import { isSwitchyardError } from '@switchyard/protocol';
import type { KvStore } from '../storage/kv-store.ts';

const KEY = 'producers/next-id';

/** Hands out idempotent producer ids, unique across restarts (a counter in the metadata store). */
export class ProducerIds {
  readonly #kv: KvStore;

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  /** A fresh producer id with epoch 0. */
  async next(): Promise<ProducerIdResponse> {
    for (;;) {
      const entry = await this.#kv.get(KEY);
      const id = entry === undefined ? 1 : Number(entry.value.toString('utf8'));
      const value = Buffer.from(String(id + 1));
      try {
        if (entry === undefined) await this.#kv.create(KEY, value);
        else await this.#kv.update(KEY, value, entry.revision);
        return { producerId: id, epoch: 0 };
      } catch (err) {
        if (!isSwitchyardError(err, 'SY_ERR_STORAGE_CONFLICT')) throw err;
      }
    }
  }
}
