import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError, syError } from '@switchyard/protocol';
import { MemoryKvStore } from '../../storage/memory/memory-kv-store.ts';
import { encodeGroupDocument, groupKey, withGeneration, withOffsets } from './group-document.ts';
import { GroupStore } from './group-store.ts';

describe('GroupStore', () => {
  it('creates, then updates by revision, re-applying the change over a concurrent write', async () => {
    const kv = new MemoryKvStore();
    const conflicts: string[] = [];
    const store = new GroupStore(kv, 5, (group) => conflicts.push(group));
    const empty = await store.read('g');
    assert.equal(empty.revision, 0);
    const created = await store.write('g', empty, (doc) => withGeneration(doc, 1));
    // another writer commits an offset behind our back
    const theirs = withOffsets(created.doc, [{ stream: 's', partition: 0, offset: 5, committedAt: 1 }]);
    await kv.update(groupKey('g'), encodeGroupDocument(theirs), created.revision);
    // our write, from the stale revision, still lands and keeps their offset
    const ours = await store.write('g', created, (doc) => withGeneration(doc, doc.generation + 1));
    assert.deepEqual(conflicts, ['g']);
    assert.equal(ours.doc.generation, 2);
    assert.deepEqual((await store.read('g')).doc.offsets, theirs.offsets);
    assert.deepEqual(
      (await store.list()).map((e) => e.group),
      ['g'],
    );
  });

  it('lets the change abort the write, and does not retry other storage errors', async () => {
    const kv = new MemoryKvStore();
    const store = new GroupStore(kv, 5);
    const abort = () => {
      throw new Error('no');
    };
    await assert.rejects(store.write('g', await store.read('g'), abort), /no/);
    assert.equal((await store.read('g')).revision, 0, 'nothing written');

    const created = await store.write('g', await store.read('g'), (doc) => doc);
    let updates = 0;
    kv.update = async () => {
      updates++;
      throw syError('SY_ERR_STORAGE_FULL', { reason: 'disk' });
    };
    await assert.rejects(
      store.write('g', created, (doc) => withGeneration(doc, 3)),
      (err) => isSwitchyardError(err, 'SY_ERR_STORAGE_FULL'),
    );
    assert.equal(updates, 1);
  });
});
