import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/protocol';
import { readAll, textBatch } from '../../contract/log-contract.ts';
import { type EmbeddedLogOptions, EmbeddedLogStore } from './index.ts';
import { partitionDir, prng, segmentFiles, tempDir, testConfig } from './test-support.ts';

const BATCHES = 4;
const PER_BATCH = 3;

/** Writes BATCHES batches to a fresh store at `dataDir` and closes it; returns the active segment's bytes. */
async function buildLog(dataDir: string, extra: Partial<EmbeddedLogOptions> = {}, segmentBytes = 1 << 20) {
  const store = await EmbeddedLogStore.open({
    dataDir,
    fsync: 'never',
    preallocate: 'off',
    indexIntervalBytes: 50,
    ...extra,
  });
  const log = await store.open('t', 0, testConfig({ segmentBytes }));
  for (let i = 0; i < BATCHES; i++) await log.append(textBatch(`b${i}`, PER_BATCH));
  await store.close();
  const files = await segmentFiles(partitionDir(dataDir, 't'));
  return { files, active: await fs.readFile(files[files.length - 1]!) };
}

/** Copies a data dir, lets `mutate` change the copy, reopens it and returns the records it serves. */
async function reopenMutated(src: string, dst: string, mutate: (dir: string) => Promise<void>, extra = {}) {
  await fs.cp(src, dst, { recursive: true });
  await mutate(partitionDir(dst, 't'));
  const store = await EmbeddedLogStore.open({
    dataDir: dst,
    fsync: 'never',
    indexIntervalBytes: 50,
    ...extra,
  });
  try {
    const log = await store.open('t', 0, testConfig());
    const records = await readAll(log, 0);
    return { log, store, records };
  } catch (err) {
    await store.close();
    throw err;
  }
}

const expected = Array.from(
  { length: BATCHES * PER_BATCH },
  (_, i) => `b${Math.floor(i / PER_BATCH)}-${i % PER_BATCH}`,
);

describe('recovery of the active segment', () => {
  it('serves exactly the complete batches when the last batch is torn at any byte', async () => {
    const { dir, remove } = await tempDir();
    try {
      const src = join(dir, 'src');
      const { files, active } = await buildLog(src);
      const lastSize = textBatch(`b${BATCHES - 1}`, PER_BATCH).length;
      const segName = files[files.length - 1]!.slice(files[files.length - 1]!.lastIndexOf('/') + 1);
      for (let cut = active.length - lastSize; cut < active.length; cut++) {
        for (const variant of ['truncated', 'zero-filled'] as const) {
          const dst = join(dir, `${variant}-${cut}`);
          const tail = variant === 'truncated' ? Buffer.alloc(0) : Buffer.alloc(4096);
          const { log, store, records } = await reopenMutated(src, dst, (pdir) =>
            fs.writeFile(join(pdir, segName), Buffer.concat([active.subarray(0, cut), tail])),
          );
          // Zeroing bytes that were zero already (a record's empty header count) leaves the batch whole.
          const intact = variant === 'zero-filled' && active.subarray(cut).every((b) => b === 0);
          const end = intact ? BATCHES * PER_BATCH : (BATCHES - 1) * PER_BATCH;
          assert.equal(log.endOffset, end, `cut at ${cut} (${variant})`);
          assert.deepEqual(
            records.map((r) => r.value?.toString()),
            expected.slice(0, end),
          );
          assert.equal((await log.append(textBatch('next', 1))).baseOffset, end);
          await store.close();
          await fs.rm(dst, { recursive: true, force: true });
        }
      }
    } finally {
      await remove();
    }
  });

  it('detects random bit flips in the tail and cuts the log before them', async () => {
    const { dir, remove } = await tempDir();
    try {
      const src = join(dir, 'src');
      const { files, active } = await buildLog(src);
      const segName = files[files.length - 1]!.slice(files[files.length - 1]!.lastIndexOf('/') + 1);
      const lastStart = active.length - textBatch(`b${BATCHES - 1}`, PER_BATCH).length;
      const rand = prng(0xb17f11);
      for (let i = 0; i < 60; i++) {
        const at = lastStart + Math.floor(rand() * (active.length - lastStart));
        const flipped = Buffer.from(active);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
        const dst = join(dir, `flip-${i}`);
        const { log, store, records } = await reopenMutated(src, dst, (pdir) =>
          fs.writeFile(join(pdir, segName), flipped),
        );
        const values = records.map((r) => r.value?.toString());
        // Bytes 12..15 (partition leader epoch) are outside the CRC and unused: such a flip changes no record.
        const harmless = at - lastStart >= 12 && at - lastStart < 16;
        assert.deepEqual(
          values,
          expected.slice(0, harmless ? expected.length : (BATCHES - 1) * PER_BATCH),
          `flip at ${at}`,
        );
        assert.deepEqual(
          records.map((r) => r.offset),
          values.map((_, k) => k),
        );
        assert.equal(log.endOffset, values.length);
        await store.close();
        await fs.rm(dst, { recursive: true, force: true });
      }
    } finally {
      await remove();
    }
  });

  it('never serves a corrupt record from a sealed segment when checksums are verified on read', async () => {
    const { dir, remove } = await tempDir();
    try {
      const src = join(dir, 'src');
      const { files } = await buildLog(src, {}, 100);
      assert.ok(files.length >= 3, 'several segments');
      const sealed = await fs.readFile(files[0]!);
      const sealedName = files[0]!.slice(files[0]!.lastIndexOf('/') + 1);
      const rand = prng(0x5ea1ed);
      let detected = 0;
      for (let i = 0; i < 60; i++) {
        const at = Math.floor(rand() * sealed.length);
        const flipped = Buffer.from(sealed);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
        const dst = join(dir, `sealed-${i}`);
        try {
          const { store, records } = await reopenMutated(
            src,
            dst,
            (pdir) => fs.writeFile(join(pdir, sealedName), flipped),
            { verifyChecksumsOnRead: true },
          );
          for (const r of records)
            assert.equal(r.value?.toString(), expected[r.offset], `flip at ${at}: record ${r.offset}`);
          await store.close();
        } catch (err) {
          assert.ok(isSwitchyardError(err, 'SY_ERR_STORAGE_CORRUPT'), `flip at ${at}: ${String(err)}`);
          detected++;
        }
        await fs.rm(dst, { recursive: true, force: true });
      }
      assert.ok(detected > 40, `most flips are detected (${detected}/60)`);
    } finally {
      await remove();
    }
  });

  it('survives seeded random damage to the active segment and indexes without serving bad records', async () => {
    const { dir, remove } = await tempDir();
    try {
      const src = join(dir, 'src');
      await buildLog(src, {}, 300);
      const names = await fs.readdir(partitionDir(src, 't'));
      const logs = names.filter((n) => n.endsWith('.log')).sort();
      const targets = [logs[logs.length - 1]!, ...names.filter((n) => n.endsWith('index'))];
      const rand = prng(0xf022);
      for (let i = 0; i < 120; i++) {
        const dst = join(dir, `fuzz-${i}`);
        const mutate = async (pdir: string) => {
          for (let m = 0; m < 1 + Math.floor(rand() * 3); m++) {
            const file = join(pdir, targets[Math.floor(rand() * targets.length)]!);
            const bytes = await fs.readFile(file);
            const kind = rand();
            if (kind < 0.4 && bytes.length > 0) {
              const at = Math.floor(rand() * bytes.length);
              for (let k = 0; k < 1 + rand() * 16 && at + k < bytes.length; k++)
                bytes[at + k] = Math.floor(rand() * 256);
              await fs.writeFile(file, bytes);
            } else if (kind < 0.7) {
              await fs.writeFile(file, bytes.subarray(0, Math.floor(rand() * bytes.length)));
            } else {
              const junk = Buffer.alloc(1 + Math.floor(rand() * 300));
              for (let k = 0; k < junk.length; k++) junk[k] = Math.floor(rand() * 256);
              await fs.writeFile(file, Buffer.concat([bytes, junk]));
            }
          }
        };
        try {
          const { store, records } = await reopenMutated(src, dst, mutate);
          let prev = -1;
          for (const r of records) {
            assert.ok(r.offset > prev);
            prev = r.offset;
            assert.equal(r.value?.toString(), expected[r.offset], `iteration ${i}: record ${r.offset}`);
          }
          await store.close();
        } catch (err) {
          assert.ok(isSwitchyardError(err, 'SY_ERR_STORAGE_CORRUPT'), `iteration ${i}: ${String(err)}`);
        }
        await fs.rm(dst, { recursive: true, force: true });
      }
    } finally {
      await remove();
    }
  });
});
