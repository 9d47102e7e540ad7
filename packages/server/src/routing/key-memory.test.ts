/** The walkers' key memories: what is remembered, what is not, and that a trie change empties them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PathNode } from './event-fields.ts';
import { ByteKeyMemory, KeyMemory, SEEN_LIMIT, trieChanged } from './key-memory.ts';

const bytes = (s: string) => Buffer.from(`"${s}"`);

describe('ByteKeyMemory', () => {
  it('remembers a key per position by its bytes, and only keys that fit a slot', () => {
    const memory = new ByteKeyMemory();
    memory.refresh();
    const child = new PathNode('detail');
    const key = bytes('detail');
    memory.set(3, key, 1, key.length - 1, child);
    assert.equal(memory.has(3, key, 1, key.length - 1), true);
    assert.equal(memory.children[3], child);
    const other = bytes('detaiX');
    assert.equal(memory.has(3, other, 1, other.length - 1), false, 'same length, other bytes');
    assert.equal(memory.has(4, key, 1, key.length - 1), false, 'another position');
    const long = bytes('k'.repeat(40));
    memory.set(5, long, 1, long.length - 1, null);
    assert.equal(memory.has(5, long, 1, long.length - 1), false, 'longer than a slot');
    assert.equal(memory.has(SEEN_LIMIT - 1, key, 1, key.length - 1), false);
  });

  it('forgets everything when a trie changes', () => {
    const memory = new ByteKeyMemory();
    memory.refresh();
    const key = bytes('a');
    memory.set(0, key, 1, 2, null);
    memory.refresh();
    assert.equal(memory.has(0, key, 1, 2), true);
    trieChanged();
    memory.refresh();
    assert.equal(memory.has(0, key, 1, 2), false);
  });
});

describe('KeyMemory', () => {
  it('forgets its keys and children when a trie changes', () => {
    const memory = new KeyMemory();
    memory.refresh();
    memory.keys[0] = 'a';
    memory.children[0] = null;
    memory.refresh();
    assert.equal(memory.keys[0], 'a');
    trieChanged();
    memory.refresh();
    assert.deepEqual([memory.keys.length, memory.children.length], [0, 0]);
  });
});
