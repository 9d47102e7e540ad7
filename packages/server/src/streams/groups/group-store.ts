import { isSwitchyardError } from '@switchyard/protocol';
import type { KvStore } from '../../storage/kv-store.ts';
import {
  decodeGroupDocument,
  emptyGroupDocument,
  encodeGroupDocument,
  GROUP_KEY_PREFIX,
  type GroupDocument,
  groupKey,
} from './group-document.ts';

/** A group document with the KV revision it was read or written at (0: not stored). */
export interface StoredGroup {
  readonly doc: GroupDocument;
  readonly revision: number;
}

/** Group documents in a KvStore: one key per group, every write a compare-and-set. */
export class GroupStore {
  readonly #kv: KvStore;
  readonly #maxAttempts: number;
  readonly #onConflict: (group: string) => void;

  constructor(kv: KvStore, maxAttempts: number, onConflict: (group: string) => void = () => {}) {
    this.#kv = kv;
    this.#maxAttempts = maxAttempts;
    this.#onConflict = onConflict;
  }

  /** The stored document, or an empty one at revision 0. */
  async read(group: string): Promise<StoredGroup> {
    const entry = await this.#kv.get(groupKey(group));
    if (entry === undefined) return { doc: emptyGroupDocument(), revision: 0 };
    return { doc: decodeGroupDocument(entry.value, entry.key), revision: entry.revision };
  }

  /**
   * Writes `change(doc)` if the document is still at `stored.revision`; when another writer got there
   * first, reads again and re-applies `change` to what it wrote, so no writer loses the other's
   * changes. `change` may throw to give up. Throws `SY_ERR_STORAGE_CONFLICT` after the last attempt.
   */
  async write(
    group: string,
    stored: StoredGroup,
    change: (doc: GroupDocument) => GroupDocument,
  ): Promise<StoredGroup> {
    const key = groupKey(group);
    let current = stored;
    for (let attempt = 1; ; attempt++) {
      const doc = change(current.doc);
      const bytes = encodeGroupDocument(doc);
      try {
        const revision =
          current.revision === 0
            ? await this.#kv.create(key, bytes)
            : await this.#kv.update(key, bytes, current.revision);
        return { doc, revision };
      } catch (err) {
        if (!isSwitchyardError(err, 'SY_ERR_STORAGE_CONFLICT')) throw err;
        this.#onConflict(group);
        if (attempt >= this.#maxAttempts) throw err;
        current = await this.read(group);
      }
    }
  }

  /** Deletes the document if it is still at `revision`. */
  async delete(group: string, revision: number): Promise<void> {
    await this.#kv.delete(groupKey(group), revision);
  }

  /** Every stored group with its document, in name order. */
  async list(): Promise<{ group: string; doc: GroupDocument }[]> {
    const entries = await this.#kv.list(GROUP_KEY_PREFIX);
    return entries.map((e) => ({
      group: e.key.slice(GROUP_KEY_PREFIX.length),
      doc: decodeGroupDocument(e.value, e.key),
    }));
  }
}
