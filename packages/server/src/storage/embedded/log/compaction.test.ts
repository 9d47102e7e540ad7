import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type DecodedRecord, encodeRecordBatch } from '@switchyard/protocol';
import { readAll } from '../../contract/log-contract.ts';
import { type CompactionStep, compactSegment } from './compaction.ts';
import { EmbeddedLogStore } from './index.ts';
import { openSealedSegment } from './recovery.ts';
import { partitionDir, prng, segmentFiles, tempDir, testConfig } from './test-support.ts';

const CONFIG = testConfig({ segmentBytes: 400, cleanupPolicy: 'compact' });
const STEPS: CompactionStep[] = [
  'log-written',
  'indexes-written',
  'index-swap',
  'indexes-swap',
  'committed',
  'index-replaced',
  'replaced',
];
const COMMITTED = new Set<CompactionStep>(['committed', 'index-replaced', 'replaced']);

const view = (records: readonly DecodedRecord[]) =>
  records.map((r) => `${r.offset}:${r.key?.toString()}=${r.value === null ? 'null' : r.value.toString()}`);

async function readLog(dataDir: string): Promise<DecodedRecord[]> {
  const store = await EmbeddedLogStore.open({ dataDir });
  try {
    return await readAll(await store.open('c', 0, CONFIG), 0);
  } finally {
    await store.close();
  }
}

describe('compaction', () => {
  it('is crash-safe at every step of the segment swap', async () => {
    const { dir, remove } = await tempDir();
    try {
      const src = join(dir, 'src');
      const store = await EmbeddedLogStore.open({ dataDir: src, preallocate: 'off' });
      const log = await store.open('c', 0, CONFIG);
      for (let i = 0; i < 40; i++) {
        await log.append(encodeRecordBatch([{ key: Buffer.from(`k${i % 4}`), value: Buffer.from(`v${i}`) }]));
      }
      await store.close();
      const original = await readLog(src);
      const files = await segmentFiles(partitionDir(src, 'c'));
      const base0 = 0;
      const base1 = Number(files[1]!.slice(-24, -4));
      const latest = new Map<string, number>();
      for (const r of original) latest.set(r.key!.toString('latin1'), r.offset);
      const compacted = original.filter(
        (r) => r.offset >= base1 || latest.get(r.key!.toString('latin1')) === r.offset,
      );
      assert.ok(compacted.length < original.length, 'the first segment has superseded records');

      for (const step of STEPS) {
        const dst = join(dir, step);
        await fs.cp(src, dst, { recursive: true });
        const seg = await openSealedSegment(partitionDir(dst, 'c'), base0, base1, 4096);
        await assert.rejects(
          compactSegment(seg, latest, {
            tombstoneBefore: Number.NEGATIVE_INFINITY,
            interval: 4096,
            crashAfter: step,
          }),
          /simulated crash/,
        );
        seg.retire();
        const after = await readLog(dst);
        assert.deepEqual(
          view(after),
          view(COMMITTED.has(step) ? compacted : original),
          `crash after ${step}`,
        );
        const leftovers = (await fs.readdir(partitionDir(dst, 'c'))).filter((n) => /cleaned|swap/.test(n));
        assert.deepEqual(leftovers, [], `no temporary files after recovery from ${step}`);
      }
    } finally {
      await remove();
    }
  });

  it('keeps keyless records and never touches the active segment', async () => {
    const { dir, remove } = await tempDir();
    try {
      const store = await EmbeddedLogStore.open({ dataDir: dir });
      const log = await store.open('c', 0, CONFIG);
      for (let i = 0; i < 30; i++) {
        const key = i % 3 === 0 ? null : Buffer.from('same');
        await log.append(encodeRecordBatch([{ key, value: Buffer.from(`v${i}`) }]));
      }
      await log.clean(Date.now());
      const records = await readAll(log, 0);
      assert.equal(records.filter((r) => r.key === null).length, 10, 'keyless records stay');
      const last = records[records.length - 1]!;
      assert.equal(last.value?.toString(), 'v29');
      await store.close();
    } finally {
      await remove();
    }
  });

  it('with a key map smaller than the key set, compacts over several rounds and loses nothing', async () => {
    const { dir, remove } = await tempDir();
    // With this seed a round maps records of the active segment whose keys are never written again,
    // which a cleaner that took the active segment for clean would leave duplicated (checked).
    const rand = prng(100);
    const writes: { key: string; value: string | null; timestamp: number }[] = [];
    for (let i = 0; i < 240; i++) {
      // Half-way the producers move to other keys: the first keys' last versions are never superseded.
      const key = `key${Math.floor(rand() * 12) + (i < 120 ? 0 : 12)}`;
      const tomb = rand() < 0.1;
      writes.push({ key, value: tomb ? null : `v${i}`, timestamp: 1_000 + i });
    }
    const config = testConfig({ segmentBytes: 400, cleanupPolicy: 'compact', deleteRetentionMs: 100_000 });
    const run = async (name: string, times: number[], compactionMapBytes?: number) => {
      const store = await EmbeddedLogStore.open({ dataDir: join(dir, name), compactionMapBytes });
      const log = await store.open('c', 0, config);
      let rounds = 0;
      // A round that maps keys without finding a later offset frees nothing, so run plenty.
      const cleanAll = async (now: number) => {
        for (let i = 0; i < 60; i++) if ((await log.clean(now)) > 0) rounds++;
      };
      // Appends and cleans interleave, so segments that were active in one round are sealed in the next.
      for (let i = 0; i < writes.length; i++) {
        const w = writes[i]!;
        const value = w.value === null ? null : Buffer.from(w.value);
        await log.append(encodeRecordBatch([{ key: Buffer.from(w.key), value }], { timestamp: w.timestamp }));
        if (i % 60 === 59) await cleanAll(times[0]!);
      }
      for (const now of times) await cleanAll(now);
      const final = await readAll(log, 0);
      const files = await segmentFiles(partitionDir(join(dir, name), 'c'));
      await store.close();
      return { rounds, final, activeBase: Number(files[files.length - 1]!.slice(-24, -4)) };
    };
    const line = (r: DecodedRecord) => view([r])[0]!;
    const latest = (records: readonly DecodedRecord[]) =>
      [...new Map(records.map((r) => [r.key!.toString(), line(r)])).entries()].sort();
    try {
      // Tombstones first young (kept), then old enough to go; and old from the start.
      for (const times of [[50_000, 500_000], [500_000]]) {
        const whole = await run(`whole-${times.length}`, times);
        // About five keys (key + 64 bytes each) per round: 24 keys need several.
        const bounded = await run(`bounded-${times.length}`, times, 5 * 69);
        assert.ok(bounded.rounds > whole.rounds + 3, `${bounded.rounds} rounds against ${whole.rounds}`);
        assert.ok(whole.final.length < writes.length / 3, 'superseded records are gone');
        assert.deepEqual(
          latest(bounded.final),
          latest(whole.final),
          `the latest of every key (times ${times})`,
        );
        // A map covers the active segment only as far as it holds keys, so a record superseded only
        // by one there may stay until that segment rolls; all else is as one unbounded round left it.
        const kept = new Set(whole.final.map(line));
        const newest = new Map(bounded.final.map((r) => [r.key!.toString(), r.offset]));
        for (const r of bounded.final) {
          if (kept.has(line(r))) continue;
          const by = newest.get(r.key!.toString())!;
          assert.ok(
            by > r.offset && by >= bounded.activeBase,
            `${line(r)} is superseded only in the active segment`,
          );
        }
        const left = new Set(bounded.final.map(line));
        for (const l of kept) assert.ok(left.has(l), `${l} was kept (times ${times})`);
      }
    } finally {
      await remove();
    }
  });
});
