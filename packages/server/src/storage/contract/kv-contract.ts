/**
 * The contract every KvStore adapter runs: `runKvStoreContract('EmbeddedKvStore', makeStore)` inside
 * a `*.test.ts` file. Each case gets a fresh, empty store from `makeStore`, closes what it opened
 * and then calls `cleanup`. Adapters that persist pass `reopen` (called after `close`, returning a
 * store on the same data) so the persistence cases run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import type { KvStore } from '../kv-store.ts';

/** What `makeStore` gives the suite for one case. */
export interface KvStoreFixture {
  store: KvStore;
  /** Opens the same data again after `store.close()`; omit when the adapter does not persist. */
  reopen?: () => Promise<KvStore>;
  /** Removes the data (temp dir, bucket); called after the stores are closed. */
  cleanup: () => Promise<void>;
}

async function conflict(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err) => isSwitchyardError(err, 'SY_ERR_STORAGE_CONFLICT'));
}

async function invalid(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (err) => isSwitchyardError(err, 'SY_ERR_REQUEST_INVALID'));
}

const b = (s: string): Buffer => Buffer.from(s);

/** Registers the KvStore contract cases under `describe(name)`. */
export function runKvStoreContract(name: string, makeStore: () => Promise<KvStoreFixture>): void {
  const withStore = async (fn: (store: KvStore, fixture: KvStoreFixture) => Promise<void>): Promise<void> => {
    const fixture = await makeStore();
    try {
      await fn(fixture.store, fixture);
    } finally {
      await fixture.store.close().catch(() => {});
      await fixture.cleanup();
    }
  };

  describe(`KvStore contract: ${name}`, () => {
    it('get of an absent key is undefined', () =>
      withStore(async (s) => {
        assert.equal(await s.get('nothing/here'), undefined);
      }));

    it('put then get returns the value and revision; put again replaces it with a higher revision', () =>
      withStore(async (s) => {
        const r1 = await s.put('streams/orders', b('v1'));
        assert.ok(Number.isInteger(r1) && r1 > 0);
        assert.deepEqual(await s.get('streams/orders'), {
          key: 'streams/orders',
          value: b('v1'),
          revision: r1,
        });
        const r2 = await s.put('streams/orders', b('v2'));
        assert.ok(r2 > r1);
        assert.deepEqual(await s.get('streams/orders'), {
          key: 'streams/orders',
          value: b('v2'),
          revision: r2,
        });
      }));

    it('create writes only when absent and conflicts otherwise, changing nothing', () =>
      withStore(async (s) => {
        const r1 = await s.create('groups/g1', b('first'));
        await conflict(s.create('groups/g1', b('second')));
        assert.deepEqual(await s.get('groups/g1'), { key: 'groups/g1', value: b('first'), revision: r1 });
      }));

    it('update with the current revision succeeds; a stale revision conflicts and changes nothing', () =>
      withStore(async (s) => {
        const r1 = await s.create('offsets/g/orders/0', b('10'));
        const r2 = await s.update('offsets/g/orders/0', b('20'), r1);
        assert.ok(r2 > r1);
        await conflict(s.update('offsets/g/orders/0', b('30'), r1));
        const r3 = await s.update('offsets/g/orders/0', b('40'), r2);
        assert.deepEqual(await s.get('offsets/g/orders/0'), {
          key: 'offsets/g/orders/0',
          value: b('40'),
          revision: r3,
        });
      }));

    it('update of an absent key with a non-zero revision conflicts', () =>
      withStore(async (s) => {
        await conflict(s.update('absent/key', b('x'), 1));
        assert.equal(await s.get('absent/key'), undefined);
      }));

    it('update fails after another writer put the key', () =>
      withStore(async (s) => {
        const r1 = await s.put('k', b('a'));
        await s.put('k', b('b'));
        await conflict(s.update('k', b('c'), r1));
        assert.deepEqual((await s.get('k'))?.value, b('b'));
      }));

    it('delete removes the key; deleting an absent key is a no-op; create works again afterwards', () =>
      withStore(async (s) => {
        const r1 = await s.put('a/b', b('x'));
        await s.delete('a/b');
        assert.equal(await s.get('a/b'), undefined);
        await s.delete('a/b');
        await s.delete('never/written');
        const r2 = await s.create('a/b', b('again'));
        assert.ok(r2 > r1);
        assert.deepEqual(await s.get('a/b'), { key: 'a/b', value: b('again'), revision: r2 });
      }));

    it('delete with a revision deletes only while it matches', () =>
      withStore(async (s) => {
        const r1 = await s.put('d/k', b('1'));
        const r2 = await s.put('d/k', b('2'));
        await conflict(s.delete('d/k', r1));
        assert.deepEqual((await s.get('d/k'))?.value, b('2'));
        await s.delete('d/k', r2);
        assert.equal(await s.get('d/k'), undefined);
      }));

    it('revisions increase with every write across keys', () =>
      withStore(async (s) => {
        let last = 0;
        for (let i = 0; i < 30; i++) {
          const key = `k/${i % 4}`;
          const entry = await s.get(key);
          const rev =
            i % 3 === 0
              ? await s.put(key, b(String(i)))
              : entry === undefined
                ? await s.create(key, b(String(i)))
                : await s.update(key, b(String(i)), entry.revision);
          assert.ok(rev > last, `revision ${rev} after ${last}`);
          last = rev;
        }
      }));

    it('list returns the entries under a prefix in key order', () =>
      withStore(async (s) => {
        const keys = ['a/c', 'a/a', 'b/a', 'a/b/c', 'a/b', 'ab', 'a.x', 'a-y/z', 'a/A', 'a/_'];
        const revs = new Map<string, number>();
        for (const k of keys) revs.set(k, await s.put(k, b(`v:${k}`)));
        const underA = await s.list('a/');
        assert.deepEqual(
          underA.map((e) => e.key),
          ['a/A', 'a/_', 'a/a', 'a/b', 'a/b/c', 'a/c'],
        );
        for (const e of underA) {
          assert.deepEqual(e.value, b(`v:${e.key}`));
          assert.equal(e.revision, revs.get(e.key));
        }
        assert.deepEqual(
          (await s.list('a')).map((e) => e.key),
          ['a-y/z', 'a.x', 'a/A', 'a/_', 'a/a', 'a/b', 'a/b/c', 'a/c', 'ab'],
        );
        assert.deepEqual(
          (await s.list('a/b')).map((e) => e.key),
          ['a/b', 'a/b/c'],
        );
        assert.deepEqual(
          (await s.list('')).map((e) => e.key),
          [...keys].sort(),
        );
        assert.deepEqual(await s.list('zzz'), []);
      }));

    it('list leaves out deleted keys', () =>
      withStore(async (s) => {
        await s.put('x/1', b('1'));
        await s.put('x/2', b('2'));
        await s.put('x/3', b('3'));
        await s.delete('x/2');
        assert.deepEqual(
          (await s.list('x/')).map((e) => e.key),
          ['x/1', 'x/3'],
        );
      }));

    it('stores binary values exactly, including empty and large ones, and copies them', () =>
      withStore(async (s) => {
        const all = Buffer.alloc(256);
        for (let i = 0; i < 256; i++) all[i] = i;
        const large = Buffer.alloc(64 * 1024);
        for (let i = 0; i < large.length; i++) large[i] = (i * 31 + 7) & 0xff;
        await s.put('bin/all', all);
        await s.put('bin/empty', Buffer.alloc(0));
        await s.put('bin/large', large);
        const mine = Buffer.from([1, 2, 3]);
        await s.put('bin/copied', mine);
        mine[0] = 99;
        assert.deepEqual((await s.get('bin/all'))?.value, all);
        assert.deepEqual((await s.get('bin/empty'))?.value, Buffer.alloc(0));
        assert.deepEqual((await s.get('bin/large'))?.value, large);
        assert.deepEqual((await s.get('bin/copied'))?.value, Buffer.from([1, 2, 3]));
        const listed = await s.list('bin/');
        assert.deepEqual(
          listed.map((e) => e.value.length),
          [256, 3, 0, large.length],
        );
      }));

    it('concurrent updates from one revision: exactly one wins', () =>
      withStore(async (s) => {
        const r0 = await s.create('race/u', b('start'));
        const results = await Promise.allSettled(
          Array.from({ length: 16 }, (_, i) => s.update('race/u', b(`w${i}`), r0)),
        );
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ i, rev: r.value }] : []));
        assert.equal(won.length, 1, `winners: ${JSON.stringify(won)}`);
        for (const r of results) {
          if (r.status === 'rejected')
            assert.ok(isSwitchyardError(r.reason, 'SY_ERR_STORAGE_CONFLICT'), String(r.reason));
        }
        const winner = won[0]!;
        assert.deepEqual(await s.get('race/u'), {
          key: 'race/u',
          value: b(`w${winner.i}`),
          revision: winner.rev,
        });
      }));

    it('concurrent creates of one key: exactly one wins', () =>
      withStore(async (s) => {
        const results = await Promise.allSettled(
          Array.from({ length: 16 }, (_, i) => s.create('race/c', b(`c${i}`))),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) {
          if (r.status === 'rejected')
            assert.ok(isSwitchyardError(r.reason, 'SY_ERR_STORAGE_CONFLICT'), String(r.reason));
        }
      }));

    it('a CAS counter incremented by racing writers loses no increment', () =>
      withStore(async (s) => {
        await s.put('counter', b('0'));
        const worker = async (): Promise<number> => {
          let done = 0;
          while (done < 10) {
            const e = await s.get('counter');
            assert.ok(e);
            try {
              await s.update('counter', b(String(Number(e.value.toString()) + 1)), e.revision);
              done += 1;
            } catch (err) {
              if (!isSwitchyardError(err, 'SY_ERR_STORAGE_CONFLICT')) throw err;
            }
          }
          return done;
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
        assert.equal((await s.get('counter'))?.value.toString(), '40');
      }));

    it('rejects invalid keys and prefixes with SY_ERR_REQUEST_INVALID', () =>
      withStore(async (s) => {
        const bad = ['', '/a', 'a/', 'a//b', 'a b', 'a:b', 'ü', 'a*', 'a>', 'x'.repeat(1025), 'a\nb'];
        for (const key of bad) {
          await invalid(s.get(key));
          await invalid(s.put(key, b('x')));
          await invalid(s.create(key, b('x')));
          await invalid(s.update(key, b('x'), 1));
          await invalid(s.delete(key));
        }
        await invalid(s.list('a b'));
        await invalid(s.list('a*'));
        assert.deepEqual(await s.list(''), []);
      }));

    it('keeps everything across close and reopen, and revisions keep increasing', async (t) => {
      const fixture = await makeStore();
      if (fixture.reopen === undefined) {
        await fixture.store.close();
        await fixture.cleanup();
        t.skip('adapter does not persist');
        return;
      }
      let store = fixture.store;
      try {
        const ra = await store.put('p/a', b('a1'));
        const rb = await store.create('p/b', Buffer.from([0, 255, 10, 13]));
        await store.put('p/c', b('c1'));
        await store.delete('p/c');
        const ra2 = await store.update('p/a', b('a2'), ra);
        await store.close();
        store = await fixture.reopen();
        assert.deepEqual(await store.list('p/'), [
          { key: 'p/a', value: b('a2'), revision: ra2 },
          { key: 'p/b', value: Buffer.from([0, 255, 10, 13]), revision: rb },
        ]);
        await conflict(store.update('p/a', b('x'), ra));
        const ra3 = await store.update('p/a', b('a3'), ra2);
        assert.ok(ra3 > ra2);
        await store.close();
        store = await fixture.reopen();
        assert.deepEqual(await store.get('p/a'), { key: 'p/a', value: b('a3'), revision: ra3 });
        assert.equal(await store.get('p/c'), undefined);
      } finally {
        await store.close().catch(() => {});
        await fixture.cleanup();
      }
    });
  });
}
