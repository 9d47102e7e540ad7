/**
 * The path trie and field extraction: children found by key scan (few children) and by map (many) agree, dotted
 * event keys still reach nested paths, and removed paths stop being extracted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectParsed, EventFields, PathRegistry } from './event-fields.ts';

function leaves(registry: PathRegistry, event: unknown, fieldId: number): unknown[] {
  const fields = new EventFields();
  fields.reset(registry.capacity);
  collectParsed(registry.root, event, fields);
  const out: unknown[] = [];
  for (let leaf = fields.first(fieldId); leaf >= 0; leaf = fields.leafNext[leaf] as number) {
    out.push(fields.values[leaf]);
  }
  return out.reverse();
}

describe('PathRegistry and collectParsed', () => {
  for (const width of [3, 40]) {
    it(`finds named keys among ${width} named siblings, including dotted event keys`, () => {
      const registry = new PathRegistry();
      const ids = Array.from({ length: width }, (_, i) => registry.acquire(['d', `k${i}`]));
      const last = ids[width - 1] as number;
      const key = `k${width - 1}`;
      assert.deepEqual(leaves(registry, { d: { [key]: 'x', other: 1 } }, last), ['x']);
      // A key built at run time (not the same string object) is still found.
      assert.deepEqual(leaves(registry, { d: { [['k', width - 1].join('')]: 'y' } }, last), ['y']);
      assert.deepEqual(leaves(registry, { [`d.${key}`]: 'z' }, last), ['z']);
      assert.deepEqual(leaves(registry, { d: [{ [key]: 1 }, { [key]: 2 }] }, last), [1, 2]);
    });
  }

  it('stops extracting a path once it is released, and keeps its siblings', () => {
    const registry = new PathRegistry();
    const a = registry.acquire(['d', 'a']);
    const b = registry.acquire(['d', 'b']);
    registry.release(['d', 'a']);
    assert.equal(registry.root.children.get('d')?.childKeys.join(), 'b');
    assert.deepEqual(leaves(registry, { d: { a: 1, b: 2 } }, b), [2]);
    assert.deepEqual(leaves(registry, { d: { a: 1, b: 2 } }, a), []);
    registry.release(['d', 'b']);
    assert.equal(registry.root.childKeys.length, 0);
  });

  it('follows dotted event keys only into named nested paths', () => {
    const registry = new PathRegistry();
    const leaf = registry.acquire(['a']);
    const deep = registry.acquire(['d', 'e', 'f']);
    assert.deepEqual(leaves(registry, { 'd.e.f': 1, 'd.e': { f: 2 }, d: { 'e.f': 3 } }, deep), [1, 2, 3]);
    assert.deepEqual(leaves(registry, { 'a.b': 1, 'dd.e.f': 2, 'd.x': 3, 'x.d.e.f': 4 }, deep), []);
    assert.deepEqual(leaves(registry, { 'a.b': 1, a: 2 }, leaf), [2]);
  });
});
