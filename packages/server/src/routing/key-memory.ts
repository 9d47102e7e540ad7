/**
 * What the walkers remember per path node: for each key position of the objects met there, the key and the child
 * it led to (null for a key no rule reaches). Objects of one kind list their keys in one order, so a key is then
 * resolved by one comparison instead of a search of the node's named keys. Any change to any path trie empties
 * every memory (at its next use).
 */
import type { PathNode } from './event-fields.ts';

let version = 0;

/** Records that a path trie changed: memories filled before are emptied at their next use. */
export function trieChanged(): void {
  version++;
}

/** Key positions per object that a memory covers; keys beyond are resolved without it. */
export const SEEN_LIMIT = 64;

/** Bytes of a key the raw memory keeps; longer keys are resolved without it. */
const SLOT_BYTES = 32;

/** The parsed-object walker's memory of one node: keys as strings (JSON.parse internalizes them). */
export class KeyMemory {
  readonly keys: (string | undefined)[] = [];
  readonly children: (PathNode | null)[] = [];
  #version = -1;

  /** Empties the memory if a trie changed since it was filled; call before each object. */
  refresh(): void {
    if (this.#version === version) return;
    this.keys.length = 0;
    this.children.length = 0;
    this.#version = version;
  }
}

/** The raw scanner's memory of one node: keys as bytes, in fixed slots so that remembering allocates nothing. */
export class ByteKeyMemory {
  readonly children: (PathNode | null)[] = [];
  readonly #bytes = new Uint8Array(SEEN_LIMIT * SLOT_BYTES);
  readonly #lengths = new Int32Array(SEEN_LIMIT).fill(-1);
  #version = -1;

  /** Empties the memory if a trie changed since it was filled; call before each object. */
  refresh(): void {
    if (this.#version === version) return;
    this.#lengths.fill(-1);
    this.children.length = 0;
    this.#version = version;
  }

  /** Whether the key met at `position` (below SEEN_LIMIT) last time was `buf[start..end)`. */
  has(position: number, buf: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.#lengths[position] !== length) return false;
    const bytes = this.#bytes;
    const at = position * SLOT_BYTES;
    for (let i = 0; i < length; i++) if (bytes[at + i] !== buf[start + i]) return false;
    return true;
  }

  /** Remembers that the key `buf[start..end)` at `position` (below SEEN_LIMIT) led to `child`. */
  set(position: number, buf: Uint8Array, start: number, end: number, child: PathNode | null): void {
    const length = end - start;
    if (length > SLOT_BYTES) {
      this.#lengths[position] = -1;
      return;
    }
    const bytes = this.#bytes;
    const at = position * SLOT_BYTES;
    for (let i = 0; i < length; i++) bytes[at + i] = buf[start + i] as number;
    this.#lengths[position] = length;
    this.children[position] = child;
  }
}
