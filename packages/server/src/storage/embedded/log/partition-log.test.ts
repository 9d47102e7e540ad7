import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { describe, it } from 'node:test';
import { encodeRecordBatch, isSwitchyardError } from '@switchyard/protocol';
import { readAll, T0, textBatch } from '../../contract/log-contract.ts';
import { EmbeddedLogStore } from './index.ts';
import { partitionDir, segmentFiles, tempDir, testConfig } from './test-support.ts';

const idem = (baseSequence: number, producerId = 5) => ({ producerId, producerEpoch: 0, baseSequence });

describe('embedded partition log', () => {
  it('restores producer state after a crash, across rolled segments', async () => {
    const { dir, remove } = await tempDir();
    const config = testConfig({ segmentBytes: 300 });
    const first = await EmbeddedLogStore.open({ dataDir: dir });
    try {
      const log = await first.open('p', 0, config);
      const results = [];
      for (let i = 0; i < 12; i++) results.push(await log.append(textBatch('r', 2, idem(i * 2))));
      assert.ok((await segmentFiles(partitionDir(dir, 'p'))).length > 2, 'several segments');
      // No close: a second store opens the directory as a restart after kill -9 would.
      const second = await EmbeddedLogStore.open({ dataDir: dir });
      const again = await second.open('p', 0, config);
      assert.equal(again.endOffset, 24);
      const dup = await again.append(textBatch('r', 2, idem(22)));
      assert.deepEqual([dup.baseOffset, dup.duplicate], [results[11]!.baseOffset, true]);
      await assert.rejects(again.append(textBatch('r', 1, idem(30))), (err) =>
        isSwitchyardError(err, 'SY_ERR_PRODUCER_SEQUENCE_GAP'),
      );
      assert.equal((await again.append(textBatch('r', 1, idem(24)))).baseOffset, 24);
      await second.close();
    } finally {
      await first.close();
      await remove();
    }
  });

  it('forgets producers idle longer than producerExpirationMs', async () => {
    const { dir, remove } = await tempDir();
    const store = await EmbeddedLogStore.open({ dataDir: dir, producerExpirationMs: 1000 });
    try {
      const log = await store.open('p', 0, testConfig());
      await log.append(textBatch('e', 1, idem(0)));
      await log.clean(Date.now());
      await assert.rejects(log.append(textBatch('e', 1, idem(7))), (err) =>
        isSwitchyardError(err, 'SY_ERR_PRODUCER_SEQUENCE_GAP'),
      );
      await log.clean(Date.now() + 2000);
      await assert.rejects(log.append(textBatch('e', 1, idem(7))), (err) =>
        isSwitchyardError(err, 'SY_ERR_PRODUCER_UNKNOWN'),
      );
      assert.equal(
        (await log.append(textBatch('e', 1, idem(0)))).duplicate,
        false,
        'a forgotten producer starts anew at 0 (its old batch is not a duplicate any more)',
      );
    } finally {
      await store.close();
      await remove();
    }
  });

  it('reports appends and fsyncs to the observer; interval mode syncs in the background', async () => {
    const { dir, remove } = await tempDir();
    const appends: [number, number][] = [];
    let syncedInBackground: () => void = () => {};
    const background = new Promise<void>((resolve) => {
      syncedInBackground = resolve;
    });
    const store = await EmbeddedLogStore.open({
      dataDir: dir,
      fsync: 'interval',
      fsyncIntervalMs: 5,
      observer: {
        onAppend: (records, bytes) => appends.push([records, bytes]),
        onFsync: (_ms, bytes) => bytes === 0 && syncedInBackground(),
      },
    });
    try {
      const log = await store.open('p', 0, testConfig());
      const batch = textBatch('o', 3);
      await log.append(batch);
      assert.deepEqual(appends, [[3, batch.length]]);
      // The engine's sync timer is unref'd (it must not keep a server alive); hold the loop open meanwhile.
      const keepAlive = setInterval(() => {}, 1000);
      await background;
      clearInterval(keepAlive);
    } finally {
      await store.close();
      await remove();
    }
  });

  it('preallocates the next segment, trims sealed ones, and finds the end in a zero-filled file', async () => {
    const { dir, remove } = await tempDir();
    const config = testConfig({ segmentBytes: 64 * 1024 });
    try {
      let store = await EmbeddedLogStore.open({ dataDir: dir, preallocate: 'zero-fill' });
      let log = await store.open('p', 0, config);
      while ((await segmentFiles(partitionDir(dir, 'p'))).length < 3)
        await log.append(textBatch('z'.repeat(200), 20));
      const end = log.endOffset;
      const files = await segmentFiles(partitionDir(dir, 'p'));
      const sizes = await Promise.all(files.map(async (f) => (await fs.stat(f)).size));
      assert.ok(sizes[0]! <= 64 * 1024 && sizes[0]! > 0, 'sealed segment trimmed to its data');
      assert.equal(sizes[2], 64 * 1024, 'active segment is a preallocated file');
      assert.ok(log.sizeBytes > sizes[0]! + sizes[1]!);
      assert.ok(
        log.sizeBytes < sizes[0]! + sizes[1]! + sizes[2]!,
        'sizeBytes counts data, not preallocation',
      );
      await store.close();
      store = await EmbeddedLogStore.open({ dataDir: dir });
      log = await store.open('p', 0, config);
      assert.equal(log.endOffset, end);
      assert.equal((await readAll(log, 0)).length, end);
      await store.close();
    } finally {
      await remove();
    }
  });

  it('recycles segment files deleted by retention and recovers past their old batches', async () => {
    const { dir, remove } = await tempDir();
    const config = testConfig({ segmentBytes: 4096, retentionBytes: 8192 });
    const first = await EmbeddedLogStore.open({ dataDir: dir });
    try {
      const log = await first.open('p', 0, config);
      const pdir = partitionDir(dir, 'p');
      let recycled = 0;
      for (let i = 0; i < 200; i++) {
        await log.append(textBatch(`c${i}`, 5));
        if (i % 10 === 9) await log.clean(Date.now());
        if ((await fs.readdir(pdir)).includes('next.prealloc')) recycled++;
      }
      assert.ok(recycled > 0, 'a deleted segment waited as the next file');
      const start = log.startOffset;
      const end = log.endOffset;
      const expected = (await readAll(log, start)).map((r) => r.value?.toString());
      // Crash path: reopen without closing; the active file may hold older batches after its end.
      const second = await EmbeddedLogStore.open({ dataDir: dir });
      const again = await second.open('p', 0, config);
      assert.deepEqual([again.startOffset, again.endOffset], [start, end]);
      assert.deepEqual(
        (await readAll(again, start)).map((r) => r.value?.toString()),
        expected,
      );
      assert.equal((await again.append(textBatch('more', 1))).baseOffset, end);
      await second.close();
    } finally {
      await first.close();
      await remove();
    }
  });

  it('rolls a segment by the age of its first record (segmentMs), so compaction reaches a slow partition', async () => {
    const { dir, remove } = await tempDir();
    const config = testConfig({ segmentMs: 60_000, cleanupPolicy: 'compact' });
    const keyed = (key: string, value: string, timestamp: number) =>
      encodeRecordBatch([{ key: Buffer.from(key), value: Buffer.from(value) }], { timestamp });
    const first = await EmbeddedLogStore.open({ dataDir: dir });
    let second: EmbeddedLogStore | undefined;
    try {
      const log = await first.open('slow', 0, config);
      const pdir = partitionDir(dir, 'slow');
      // More than one index interval, so recovery later starts its walk past the first batch.
      for (let i = 0; i < 60; i++) await log.append(keyed(`k${i % 3}`, `v${i}-${'x'.repeat(80)}`, T0 + i));
      const before = log.sizeBytes;
      assert.equal(await log.clean(T0 + 30_000), 0);
      assert.equal((await segmentFiles(pdir)).length, 1, 'young: no roll');
      assert.ok((await log.clean(T0 + 70_000)) > 0, 'rolled, then compacted');
      assert.equal((await segmentFiles(pdir)).length, 2);
      assert.ok(log.sizeBytes < before);
      assert.deepEqual(
        (await readAll(log, 0)).map((r) => [r.offset, r.value?.toString().split('-')[0]]),
        [
          [57, 'v57'],
          [58, 'v58'],
          [59, 'v59'],
        ],
      );
      const later = T0 + 100_000;
      for (let i = 0; i < 60; i++) await log.append(keyed(`k${i % 3}`, `w${i}-${'y'.repeat(80)}`, later + i));
      // Crash path: reopen without closing; the first record's time is found again.
      second = await EmbeddedLogStore.open({ dataDir: dir });
      const again = await second.open('slow', 0, config);
      assert.equal(again.endOffset, 120);
      await again.clean(later + 30_000);
      assert.equal((await segmentFiles(pdir)).length, 2, 'the new segment is young');
      await again.clean(later + 70_000);
      assert.equal((await segmentFiles(pdir)).length, 3);
      assert.equal((await again.append(keyed('k0', 'after', later + 70_000))).baseOffset, 120);
    } finally {
      await second?.close();
      await first.close();
      await remove();
    }
  });

  it('reads across segments with small maxBytes and verified checksums', async () => {
    const { dir, remove } = await tempDir();
    const store = await EmbeddedLogStore.open({
      dataDir: dir,
      verifyChecksumsOnRead: true,
      indexIntervalBytes: 100,
    });
    try {
      const log = await store.open('p', 0, testConfig({ segmentBytes: 500 }));
      for (let i = 0; i < 50; i++) await log.append(textBatch(`s${i}`, 1 + (i % 4)));
      const all = await readAll(log, 0, 1);
      assert.equal(all.length, log.endOffset);
      for (const from of [0, 7, 33, log.endOffset - 1]) {
        const r = await log.read(from, 200);
        assert.ok(r.nextOffset > from);
      }
    } finally {
      await store.close();
      await remove();
    }
  });

  it('keeps appending when an observer hook throws', async () => {
    const { dir, remove } = await tempDir();
    const boom = () => {
      throw new Error('metrics exploded');
    };
    const store = await EmbeddedLogStore.open({ dataDir: dir, observer: { onAppend: boom, onFsync: boom } });
    try {
      const log = await store.open('p', 0, testConfig());
      assert.equal((await log.append(textBatch('a', 2))).baseOffset, 0);
      assert.equal((await log.append(textBatch('b', 2))).baseOffset, 2);
      assert.equal((await readAll(log, 0)).length, 4);
    } finally {
      await store.close();
      await remove();
    }
  });

  it('takes a batch larger than a segment in a segment of its own', async () => {
    const { dir, remove } = await tempDir();
    const store = await EmbeddedLogStore.open({ dataDir: dir });
    try {
      const log = await store.open('p', 0, testConfig({ segmentBytes: 1024 }));
      await log.append(textBatch('small', 2));
      const big = await log.append(textBatch('x'.repeat(500), 20));
      await log.append(textBatch('after', 1));
      assert.deepEqual([big.baseOffset, big.lastOffset, log.endOffset], [2, 21, 23]);
      assert.equal((await segmentFiles(partitionDir(dir, 'p'))).length, 3);
      assert.equal((await readAll(log, 0)).length, 23);
    } finally {
      await store.close();
      await remove();
    }
  });

  it('removes index files left without their log by an interrupted deletion', async () => {
    const { dir, remove } = await tempDir();
    try {
      let store = await EmbeddedLogStore.open({ dataDir: dir });
      await (await store.open('p', 0, testConfig())).append(textBatch('o', 1));
      await store.close();
      const pdir = partitionDir(dir, 'p');
      await fs.writeFile(`${pdir}/00000000000000000099.index`, Buffer.alloc(8));
      await fs.writeFile(`${pdir}/00000000000000000099.timeindex`, Buffer.alloc(12));
      store = await EmbeddedLogStore.open({ dataDir: dir });
      assert.equal((await store.open('p', 0, testConfig())).endOffset, 1);
      await store.close();
      assert.deepEqual(
        (await fs.readdir(pdir)).filter((n) => n.startsWith('00000000000000000099')),
        [],
      );
    } finally {
      await remove();
    }
  });

  it('refuses a second process on the same data directory', async () => {
    const { dir, remove } = await tempDir();
    try {
      await fs.mkdir(`${dir}/logs`, { recursive: true });
      await fs.writeFile(`${dir}/logs/.lock`, String(process.ppid));
      await assert.rejects(EmbeddedLogStore.open({ dataDir: dir }), (err) =>
        isSwitchyardError(err, 'SY_ERR_STORAGE_LOCKED'),
      );
      await fs.writeFile(`${dir}/logs/.lock`, '999999999');
      const store = await EmbeddedLogStore.open({ dataDir: dir });
      await store.close();
    } finally {
      await remove();
    }
  });
});
