import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { runKvStoreContract } from '../../contract/kv-contract.ts';
import { EmbeddedKvStore } from './embedded-kv-store.ts';
import { walPath } from './kv-files.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sy-kv-'));
}

runKvStoreContract('EmbeddedKvStore', async () => {
  const dir = tempDir();
  return {
    store: await EmbeddedKvStore.open({ dir }),
    reopen: () => EmbeddedKvStore.open({ dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

runKvStoreContract('EmbeddedKvStore (compacting every few writes)', async () => {
  const dir = tempDir();
  return {
    store: await EmbeddedKvStore.open({ dir, compactBytes: 256 }),
    reopen: () => EmbeddedKvStore.open({ dir, compactBytes: 256 }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('EmbeddedKvStore files', () => {
  const withDir = async (fn: (dir: string) => Promise<void>): Promise<void> => {
    const dir = tempDir();
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('cuts a torn tail at every byte of the last frame and keeps everything before it', () =>
    withDir(async (dir) => {
      const s = await EmbeddedKvStore.open({ dir });
      await s.put('a', Buffer.from('one'));
      await s.put('b', Buffer.from('two'));
      await s.close();
      const full = readFileSync(walPath(dir, 0));
      const before = statSync(walPath(dir, 0)).size;
      const s2 = await EmbeddedKvStore.open({ dir });
      await s2.put('c', Buffer.from('three'));
      await s2.close();
      const withC = readFileSync(walPath(dir, 0));
      for (let cut = before; cut < withC.length; cut++) {
        writeFileSync(walPath(dir, 0), withC.subarray(0, cut));
        const r = await EmbeddedKvStore.open({ dir });
        assert.equal(r.recovery.truncatedBytes, cut - before, `cut at ${cut}`);
        assert.deepEqual(
          (await r.list('')).map((e) => e.key),
          ['a', 'b'],
        );
        assert.equal(await r.get('c'), undefined);
        await r.close();
        assert.deepEqual(readFileSync(walPath(dir, 0)), full);
      }
      const r = await EmbeddedKvStore.open({ dir });
      const rev = await r.put('d', Buffer.from('after'));
      await r.close();
      const again = await EmbeddedKvStore.open({ dir });
      assert.equal(again.recovery.truncatedBytes, 0);
      assert.deepEqual(await again.get('d'), { key: 'd', value: Buffer.from('after'), revision: rev });
      await again.close();
    }));

  it('cuts a tail whose checksum does not match', () =>
    withDir(async (dir) => {
      const s = await EmbeddedKvStore.open({ dir });
      await s.put('keep', Buffer.from('x'));
      await s.put('flip', Buffer.from('y'));
      await s.close();
      const buf = readFileSync(walPath(dir, 0));
      buf[buf.length - 1] = (buf[buf.length - 1] ?? 0) ^ 0xff;
      writeFileSync(walPath(dir, 0), buf);
      const r = await EmbeddedKvStore.open({ dir });
      assert.ok(r.recovery.truncatedBytes > 0);
      assert.deepEqual(
        (await r.list('')).map((e) => e.key),
        ['keep'],
      );
      await r.close();
    }));

  it('survives a WAL torn inside its magic header and garbage appended after a valid tail', () =>
    withDir(async (dir) => {
      const s = await EmbeddedKvStore.open({ dir });
      await s.put('k', Buffer.from('v'));
      await s.close();
      writeFileSync(walPath(dir, 0), Buffer.concat([readFileSync(walPath(dir, 0)), Buffer.alloc(100, 0)]));
      const r = await EmbeddedKvStore.open({ dir });
      assert.equal(r.recovery.truncatedBytes, 100);
      assert.deepEqual((await r.get('k'))?.value, Buffer.from('v'));
      await r.close();
      truncateSync(walPath(dir, 0), 3);
      const r2 = await EmbeddedKvStore.open({ dir });
      assert.deepEqual(await r2.list(''), []);
      await r2.put('k2', Buffer.from('v2'));
      await r2.close();
      const r3 = await EmbeddedKvStore.open({ dir });
      assert.deepEqual((await r3.get('k2'))?.value, Buffer.from('v2'));
      await r3.close();
    }));

  it('compacts into a snapshot, removes old files and recovers from snapshot plus WAL', () =>
    withDir(async (dir) => {
      const s = await EmbeddedKvStore.open({ dir, compactBytes: 4096 });
      const expected = new Map<string, string>();
      for (let i = 0; i < 2000; i++) {
        const key = `offsets/g/${i % 25}`;
        if (i % 97 === 0) {
          await s.delete(key);
          expected.delete(key);
        } else {
          await s.put(key, Buffer.from(`v${i}`));
          expected.set(key, `v${i}`);
        }
      }
      await s.close();
      const names = readdirSync(dir).sort();
      assert.equal(names.filter((n) => n.startsWith('wal-')).length, 1, names.join(','));
      assert.equal(names.filter((n) => n.startsWith('snap-')).length, 1, names.join(','));
      const r = await EmbeddedKvStore.open({ dir, compactBytes: 4096 });
      assert.ok(r.recovery.snapshotEntries > 0);
      const got = new Map((await r.list('')).map((e) => [e.key, e.value.toString()]));
      assert.deepEqual(got, expected);
      await r.close();
    }));

  it('refuses a damaged snapshot instead of silently losing data', () =>
    withDir(async (dir) => {
      const s = await EmbeddedKvStore.open({ dir, compactBytes: 512 });
      for (let i = 0; i < 100; i++) await s.put(`k/${i % 5}`, Buffer.from(`value-${i}`));
      await s.close();
      const snap = readdirSync(dir).find((n) => n.startsWith('snap-'));
      assert.ok(snap);
      const buf = readFileSync(join(dir, snap));
      buf[20] = (buf[20] ?? 0) ^ 0xff;
      writeFileSync(join(dir, snap), buf);
      await assert.rejects(EmbeddedKvStore.open({ dir }), (err) =>
        isSwitchyardError(err, 'SY_ERR_STORAGE_CORRUPT'),
      );
    }));

  it('keeps a second open of the same directory out', () =>
    withDir(async (dir) => {
      const s = await EmbeddedKvStore.open({ dir });
      await assert.rejects(EmbeddedKvStore.open({ dir }), (err) =>
        isSwitchyardError(err, 'SY_ERR_STORAGE_LOCKED'),
      );
      await s.close();
      const again = await EmbeddedKvStore.open({ dir });
      await again.close();
    }));

  it('groups concurrent writes into fewer syncs and acknowledges each with its own revision', () =>
    withDir(async (dir) => {
      const s = await EmbeddedKvStore.open({ dir });
      const revs = await Promise.all(
        Array.from({ length: 500 }, (_, i) => s.put(`g/${i}`, Buffer.from(String(i)))),
      );
      assert.deepEqual(
        revs,
        Array.from({ length: 500 }, (_, i) => i + 1),
      );
      await s.close();
      const r = await EmbeddedKvStore.open({ dir });
      assert.equal((await r.list('g/')).length, 500);
      await r.close();
    }));
});
